/**
 * kafkajs, with Kafka's read-committed filtering of aborted transactions in place of its own
 * (see without-aborted-transactions.ts). Import kafkajs from here only: the filter has to be in
 * place before kafkajs loads, and ES modules evaluate their imports in order.
 */
import './install-read-committed-filter.ts';

export * from 'kafkajs';
export { default } from 'kafkajs';
