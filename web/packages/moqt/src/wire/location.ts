/** Location {Group, Object} (draft-19 "Location Structure"). */
export interface Location {
  readonly group: bigint;
  readonly object: bigint;
}

export function compareLocations(a: Location, b: Location): number {
  if (a.group !== b.group) return a.group < b.group ? -1 : 1;
  if (a.object !== b.object) return a.object < b.object ? -1 : 1;
  return 0;
}
