import { describe, expect, it } from 'vitest';
import { resolveDataDir } from '../../src/main/base/data-dir';

describe('resolveDataDir', () => {
  const base = { env: {}, platform: 'linux' as const, homeDir: '/home/ana' };

  it('prefers --home, then CAPTIONIST_HOME', () => {
    expect(resolveDataDir({ ...base, flag: '/flag', env: { CAPTIONIST_HOME: '/env' } })).toBe('/flag');
    expect(resolveDataDir({ ...base, env: { CAPTIONIST_HOME: '/env' } })).toBe('/env');
  });

  it("defaults to the folder Electron's userData names on each OS", () => {
    expect(resolveDataDir(base)).toBe('/home/ana/.config/Captionist');
    expect(resolveDataDir({ ...base, env: { XDG_CONFIG_HOME: '/xdg' } })).toBe('/xdg/Captionist');
    expect(resolveDataDir({ ...base, platform: 'darwin' })).toBe(
      '/home/ana/Library/Application Support/Captionist',
    );
    expect(resolveDataDir({ ...base, platform: 'win32', env: { APPDATA: 'C:/Users/ana/AppData/Roaming' } })).toMatch(
      /^C:\/Users\/ana\/AppData\/Roaming[\\/]Captionist$/,
    );
  });
});
