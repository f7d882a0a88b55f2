import { relayProject } from './src/vitest/project.ts';

export default relayProject('testkit');
