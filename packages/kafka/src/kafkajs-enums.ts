import kafkajs from '@relay/kafkajs';

// kafkajs is CommonJS, and Node's ES module loader does not detect every one of its exports as
// a named export (vitest does, so tests alone would not show it). Read them from the default.
export const { ConfigResourceTypes } = kafkajs;
