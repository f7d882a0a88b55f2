/**
 * kafkajs, with Kafka's read-committed filtering of aborted transactions in place of its own
 * (see without-aborted-transactions.ts). Import kafkajs from here only: the filter has to be in
 * place before kafkajs loads, and ES modules evaluate their imports in order.
 */
import './install-read-committed-filter.ts';
import kafkajs from 'kafkajs';

export * from 'kafkajs';
export { default } from 'kafkajs';

// Node's ES module loader does not detect every CommonJS export of kafkajs as a named one (vitest does,
// so tests alone would not show it): those the relay uses are read from the default.
export const { ConfigResourceTypes } = kafkajs;
