import type { FolderCount } from '../../../shared/domain';

export interface FolderNode {
  path: string;
  name: string;
  folderId: number;
  /** Matching photos directly in this folder, and in it and all its subfolders. */
  photos: number;
  total: number;
  children: FolderNode[];
}

/** The folder holding a path, for either kind of separator; '' at the top. */
export function parentPath(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return cut <= 0 ? (cut === 0 ? trimmed.slice(0, 1) : '') : trimmed.slice(0, cut);
}

export function baseName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return trimmed.slice(cut + 1) || trimmed;
}

/**
 * Folder counts as a tree per library folder (keyed by its id), children by name. The core lists
 * every folder between a library folder and one with matches, so each entry's parent folder is
 * either listed too or it is a library folder's root.
 */
export function folderTrees(counts: readonly FolderCount[]): Map<number, FolderNode> {
  const nodes = new Map<string, FolderNode>();
  for (const count of counts) {
    nodes.set(`${count.folderId}:${count.path}`, {
      path: count.path,
      name: baseName(count.path),
      folderId: count.folderId,
      photos: count.photos,
      total: count.total,
      children: [],
    });
  }
  const roots = new Map<number, FolderNode>();
  for (const node of nodes.values()) {
    const parent = nodes.get(`${node.folderId}:${parentPath(node.path)}`);
    if (parent) parent.children.push(node);
    else {
      // The shortest path of a library folder is its root.
      const known = roots.get(node.folderId);
      if (!known || node.path.length < known.path.length) roots.set(node.folderId, node);
    }
  }
  for (const node of nodes.values()) node.children.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  return roots;
}
