import type { OrderStatus } from '../client';
import { statusLong, statusShort } from '../format';

export function StatusBadge({ status }: { status: OrderStatus }) {
  return (
    <span className={`badge status-${status}`} title={statusLong(status)} data-status={status}>
      {statusShort[status]}
    </span>
  );
}
