// The order a dispatcher may drive a trip's stops in: nearest neighbour by great-circle distance
// over the customers' coordinates (decision 0034: no map service). A suggestion only; the
// dispatcher keeps the last word.

export interface Point {
  /** Degrees. */
  lat: number;
  lng: number;
}

export interface RouteStop {
  id: string;
  at: Point | null;
}

const EARTH_M = 6_371_000;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in metres (haversine). */
export function distance(a: Point, b: Point): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The stops' ids from `start` (else from the first stop that has coordinates), each next the
 * nearest of those left (ties: the one given first); stops without coordinates follow at the
 * end in their given order.
 */
export function nearestNeighbour(stops: readonly RouteStop[], start?: Point): string[] {
  const placed = stops.filter((s): s is RouteStop & { at: Point } => s.at !== null);
  const unplaced = stops.filter((s) => s.at === null).map((s) => s.id);
  const left = [...placed];
  const route: string[] = [];
  let here = start ?? left[0]?.at;
  while (here) {
    const from: Point = here;
    let best = -1;
    let bestDistance = Infinity;
    left.forEach((s, i) => {
      const d = distance(from, s.at);
      if (d < bestDistance) {
        best = i;
        bestDistance = d;
      }
    });
    const [next] = best < 0 ? [] : left.splice(best, 1);
    if (!next) break;
    route.push(next.id);
    here = next.at;
  }
  return [...route, ...unplaced];
}
