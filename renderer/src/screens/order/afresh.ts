// A form left on screen while its order moves on (a partial dispatch, one delivery of two) starts
// afresh: its boxes at what is owed or on the way now, not at what was just sent.
import { useState } from 'react';

/**
 * Calls `reset` (which sets the form's state anew) when `key` changes, while rendering. The form
 * is not mounted anew: that would run its autoFocus and take the focus from what the clerk was
 * just told.
 */
export function useAfresh(key: string, reset: () => void): void {
  const [seen, setSeen] = useState(key);
  if (seen !== key) {
    setSeen(key);
    reset();
  }
}
