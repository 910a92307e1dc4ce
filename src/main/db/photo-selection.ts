/**
 * Which photos a request covers: these ids (the UI's selection), else the photos at or below
 * these paths (a file, or a folder ending in a separator), else the whole library.
 */
export interface PhotoSelection {
  scopes: readonly string[];
  photoIds?: readonly number[];
}

/**
 * The selection as a condition on photos aliased `p`. Lists travel as one JSON parameter, so a
 * selection of 100,000 photos meets neither SQLite's parameter limit nor its expression depth.
 */
export function selectionFilter(selection: PhotoSelection): { sql: string; params: string[] } {
  if (selection.photoIds) {
    return { sql: 'AND p.id IN (SELECT value FROM json_each(?))', params: [JSON.stringify(selection.photoIds)] };
  }
  if (!selection.scopes.length) return { sql: '', params: [] };
  return {
    sql: `AND EXISTS (SELECT 1 FROM json_each(?) scope
                      WHERE p.path = scope.value OR substr(p.path, 1, length(scope.value)) = scope.value)`,
    params: [JSON.stringify(selection.scopes)],
  };
}
