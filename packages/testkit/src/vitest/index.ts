export { type ClusterFixtures, describe, expect, test } from './fixtures.ts';
