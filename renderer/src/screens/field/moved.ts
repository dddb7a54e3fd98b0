// A trip's stops moved by hand (Move up / Move down, Alt+↑ / Alt+↓): one place at a time.

/** Moves one item of a list up (-1) or down (+1); the list unchanged at its ends. */
export function moved<T>(list: readonly T[], at: number, by: -1 | 1): T[] {
  const to = at + by;
  if (at < 0 || to < 0 || to >= list.length) return [...list];
  const next = [...list];
  const [item] = next.splice(at, 1);
  if (item !== undefined) next.splice(to, 0, item);
  return next;
}
