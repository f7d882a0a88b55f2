import { relayProject } from '@relay/testkit/vitest-project';

// The benchmarks' own tools: their files sit at the package's top, beside the benchmarks.
export default relayProject('bench', ['*.test.ts']);
