import path from 'node:path';
import { defineConfig } from 'vitest/config';

// The tool's parse cache lives in the repository's git-ignored .run/ while tests run, not in the home folder.
const env = { SUPERSET_GITOPS_CACHE_DIR: path.resolve(import.meta.dirname, '.run/cache-test') };

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], env } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          env,
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
