// Where a customer's goods go: coordinates typed in decimal degrees, checked before they are sent
// (the core checks them again), so the person hears about a wrong one beside its box at once.

/** A typed coordinate: a number in decimal degrees within ±limit, null for none, or 'bad'. */
export function parseDegrees(text: string | undefined, limit: number): number | null | 'bad' {
  const typed = (text ?? '').trim().replace(',', '.');
  if (typed === '') return null;
  if (!/^[+-]?\d{1,3}(\.\d{1,7})?$/.test(typed)) return 'bad';
  const n = Number(typed);
  return Math.abs(n) <= limit ? n : 'bad';
}

/** Checks a place before it is sent: each coordinate's form and range, and both or neither. */
export function placeProblems(
  fields: { lat?: string | undefined; lng?: string | undefined },
  words: { lat: string; lng: string; both: string },
): { lat?: string; lng?: string } {
  const lat = parseDegrees(fields.lat, 90);
  const lng = parseDegrees(fields.lng, 180);
  const problems: { lat?: string; lng?: string } = {};
  if (lat === 'bad') problems.lat = words.lat;
  if (lng === 'bad') problems.lng = words.lng;
  if (lat === null && lng !== null && lng !== 'bad') problems.lat = words.both;
  if (lng === null && lat !== null && lat !== 'bad') problems.lng = words.both;
  return problems;
}
