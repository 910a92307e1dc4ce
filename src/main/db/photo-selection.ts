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
  const scoped = scopeCondition(selection.scopes);
  return scoped ? { sql: `AND ${scoped.sql}`, params: scoped.params } : { sql: '', params: [] };
}

/**
 * Photos `p` at one of these paths or below one of these folders (paths ending in a separator),
 * or null for no scopes. Files are found through the unique path index, folders as ranges of
 * it: everything from `Trips/` up to, not including, `Trips0` (the separator's successor).
 */
export function scopeCondition(scopes: readonly string[]): { sql: string; params: string[] } | null {
  if (!scopes.length) return null;
  const files = scopes.filter((scope) => !isFolderScope(scope));
  const folders = scopes.filter(isFolderScope);
  const conditions: string[] = [];
  const params: string[] = [];
  if (files.length) {
    conditions.push('p.path IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(files));
  }
  if (folders.length) {
    conditions.push(
      `p.id IN (SELECT inside.id FROM json_each(?) AS folder CROSS JOIN photos AS inside
                WHERE inside.path >= folder.value ->> 0 AND inside.path < folder.value ->> 1)`,
    );
    params.push(JSON.stringify(folders.map((folder) => [folder, pastFolder(folder)])));
  }
  return { sql: `(${conditions.join(' OR ')})`, params };
}

function isFolderScope(scope: string): boolean {
  return scope.endsWith('/') || scope.endsWith('\\');
}

/** The first path after everything below `folder`: its trailing separator's successor. */
function pastFolder(folder: string): string {
  return folder.slice(0, -1) + String.fromCharCode(folder.charCodeAt(folder.length - 1) + 1);
}
