import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The browser tests load the real UI, built from the current sources.
    globalSetup: ['tests/browser/build-ui.setup.ts'],
    // Real sharp, ExifTool and SQLite on real files: give slow CI machines room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
