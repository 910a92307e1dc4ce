import { describe, expect, it } from 'vitest';
import { baseName, folderTrees, libraryFolderTree, parentPath } from '../../src/renderer/src/lib/folder-tree';

describe('folder tree', () => {
  it('reads parents and names of POSIX and Windows paths', () => {
    expect(parentPath('/photos/2024/Iceland')).toBe('/photos/2024');
    expect(parentPath('/photos')).toBe('/');
    expect(parentPath('C:\\Photos\\2024\\')).toBe('C:\\Photos');
    expect(baseName('C:\\Photos\\2024')).toBe('2024');
    expect(baseName('/photos/2024/')).toBe('2024');
  });

  it('nests each library folder’s subfolders under it, sorted by name', () => {
    const trees = folderTrees([
      { folderId: 1, path: '/photos', photos: 2, total: 12 },
      { folderId: 1, path: '/photos/2024', photos: 0, total: 10 },
      { folderId: 1, path: '/photos/2024/Iceland', photos: 7, total: 7 },
      { folderId: 1, path: '/photos/2024/Faroe', photos: 3, total: 3 },
      { folderId: 2, path: '/work/jobs', photos: 4, total: 4 },
    ]);
    const photos = trees.get(1)![0]!;
    expect(photos.total).toBe(12);
    expect(photos.children.map((child) => child.name)).toEqual(['2024']);
    expect(photos.children[0]!.children.map((child) => [child.name, child.total])).toEqual([
      ['Faroe', 3],
      ['Iceland', 7],
    ]);
    expect(trees.get(2)).toMatchObject([{ name: 'jobs', total: 4, children: [] }]);
    expect(libraryFolderTree('/photos', trees.get(1))).toMatchObject({ total: 12, children: [{ name: '2024' }] });
  });

  it('lets the subfolders stand in when the library folder itself is not listed', () => {
    const trees = folderTrees([
      { folderId: 1, path: '/photos/b', photos: 2, total: 2 },
      { folderId: 1, path: '/photos/a', photos: 3, total: 3 },
    ]);
    const tree = libraryFolderTree('/photos', trees.get(1));
    expect(tree.total).toBe(5);
    expect(tree.children.map((child) => child.name)).toEqual(['a', 'b']);
    expect(libraryFolderTree('/elsewhere', undefined)).toEqual({ children: [], total: 0 });
  });
});
