// A form shown in a panel in the list's place (a trip's plan, a price list, a badge rule): named by
// its title, Enter in a box submits, Esc cancels (and goes no further: the screen behind it would
// take the Esc for its own Back).
import type { ReactNode } from 'react';

export function FormPanel({
  className,
  title,
  heading = true,
  onSubmit,
  onCancel,
  children,
}: {
  /** Besides `panel`. */
  className?: string;
  title: string;
  /** Whether the title stands as the form's heading too, not only as its name. */
  heading?: boolean;
  onSubmit(): void;
  onCancel(): void;
  children: ReactNode;
}) {
  return (
    <form
      className={className ? `panel ${className}` : 'panel'}
      aria-label={title}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      {heading && <h2>{title}</h2>}
      {children}
    </form>
  );
}
