import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'services/*', 'stack', 'bench'],
    // One Kafka and one schema registry for the whole run, shared by every project's test files;
    // tests isolate themselves with unique topic and subject names.
    globalSetup: ['./packages/testkit/src/vitest/global-setup.ts'],
    hookTimeout: 180_000,
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
  },
});
