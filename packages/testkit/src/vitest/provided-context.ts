import type { ClusterAddresses } from '../cluster.ts';

/** What the global setup hands to every test file: `inject('relayCluster')`. */
declare module 'vitest' {
  export interface ProvidedContext {
    relayCluster: ClusterAddresses;
  }
}
