import { createRequire } from 'node:module';
import { withoutAbortedTransactions } from './without-aborted-transactions.ts';

/**
 * Importing this module puts `withoutAbortedTransactions` in place of kafkajs's own filter, which
 * kafkajs's consumer binds when it loads: so it must be imported before kafkajs is, and it throws if
 * it is not (the reason every import of kafkajs goes through this package). kafkajs is unmaintained;
 * the replacement is checked against the one version it was written for.
 */

const require = createRequire(import.meta.url);
const VERIFIED_VERSION = '2.2.4';
const REPLACED = Symbol.for('@relay/kafkajs: read-committed filter');

interface CachedModule {
  exports: unknown;
}

function installReadCommittedFilter(): void {
  const { version } = require('kafkajs/package.json') as { version: string };
  if (version !== VERIFIED_VERSION) {
    throw new Error(
      `@relay/kafkajs replaces the read-committed filter of kafkajs ${VERIFIED_VERSION}, and kafkajs ${version} ` +
        'is installed: check that its src/consumer/batch.js still calls filterAbortedMessages({ messages, ' +
        'abortedTransactions }) with the same records, then update VERIFIED_VERSION',
    );
  }
  const filterPath = require.resolve('kafkajs/src/consumer/filterAbortedMessages.js');
  const cache = require.cache as Record<string, CachedModule | undefined>;
  const cached = cache[filterPath];
  if (cached !== undefined && (cached.exports as { [REPLACED]?: true })[REPLACED]) return;
  if (cache[require.resolve('kafkajs/src/consumer/batch.js')] !== undefined) {
    throw new Error(
      'kafkajs was loaded before @relay/kafkajs, so its consumers keep its own read-committed filter, which ' +
        "lets records of aborted transactions through: import kafkajs from '@relay/kafkajs' only",
    );
  }
  require(filterPath);
  const loaded = cache[filterPath];
  if (loaded === undefined) throw new Error(`kafkajs's ${filterPath} is not in the CommonJS module cache`);
  loaded.exports = Object.assign(withoutAbortedTransactions.bind(undefined), { [REPLACED]: true as const });
}

installReadCommittedFilter();
