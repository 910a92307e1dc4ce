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
 * every folder between a library folder and one with matches, so normally each library folder has
 * one root; should the root itself be missing, its listed subfolders stand in as the top level.
 */
export function folderTrees(counts: readonly FolderCount[]): Map<number, FolderNode[]> {
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
  const tops = new Map<number, FolderNode[]>();
  for (const node of nodes.values()) {
    const parent = nodes.get(`${node.folderId}:${parentPath(node.path)}`);
    if (parent) parent.children.push(node);
    else tops.set(node.folderId, [...(tops.get(node.folderId) ?? []), node]);
  }
  const byName = (a: FolderNode, b: FolderNode) => a.name.localeCompare(b.name, undefined, { numeric: true });
  for (const node of nodes.values()) node.children.sort(byName);
  for (const list of tops.values()) list.sort(byName);
  return tops;
}

/** A library folder's subfolders and its matching-photo total, from its top-level nodes. */
export function libraryFolderTree(folderPath: string, tops: readonly FolderNode[] | undefined): { children: FolderNode[]; total: number } {
  if (!tops || tops.length === 0) return { children: [], total: 0 };
  const root = tops.length === 1 && tops[0]!.path === folderPath ? tops[0]! : null;
  if (root) return { children: root.children, total: root.total };
  return { children: [...tops], total: tops.reduce((sum, node) => sum + node.total, 0) };
}
