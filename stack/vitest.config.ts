import { relayProject } from '@relay/testkit/vitest-project';

export default relayProject('stack');
