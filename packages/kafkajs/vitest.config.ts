import { defineProject } from 'vitest/config';

// Not the testkit's relayProject: the testkit depends on this package. Its tests are unit tests; the
// filter against a real broker is in the testkit's kafka-compatibility tests.
export default defineProject({ test: { name: 'kafkajs', include: ['src/**/*.test.ts'] } });
