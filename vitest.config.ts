import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The CLI tests run the compiled command and the browser tests the built UI, both current.
    globalSetup: ['tests/helpers/build-cli.setup.ts', 'tests/browser/build-ui.setup.ts'],
    // Real sharp, ExifTool and SQLite on real files: give slow CI machines room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
