/**
 * Read-committed filtering of a fetched partition, as Kafka's Java consumer does it.
 *
 * kafkajs 2.2.4 walks the broker's list of aborted transactions in the order it arrives and takes
 * at most one entry per record. The broker lists a partition's aborted transactions in the order
 * they were aborted, not the order they started, so when two producers' transactions overlap and
 * the later-started one aborts first, the records of the other before that point reach
 * read-committed consumers; so do records of a transaction whose list entry is passed over because
 * another entry was due at the same record.
 */

/** What the filter reads of a record kafkajs decoded from a fetch response. */
export interface FetchedRecord {
  readonly offset: string;
  readonly key?: Buffer | null;
  readonly isControlRecord?: boolean;
  readonly batchContext: { readonly producerId: string; readonly inTransaction: boolean };
}

/** An entry of a fetch response's aborted-transaction list, as kafkajs decodes it. */
export interface AbortedTransaction {
  readonly producerId: string;
  readonly firstOffset: string;
}

export interface FetchedPartition<R extends FetchedRecord> {
  readonly messages: R[];
  readonly abortedTransactions?: readonly AbortedTransaction[] | null;
}

// A control record's key: version 0, then type 0 for an abort marker (1 for a commit).
const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0]);

const isAbortMarker = (record: FetchedRecord): boolean =>
  record.isControlRecord === true && record.key != null && ABORT_MARKER_KEY.equals(record.key);

/**
 * The records of `messages` that belong to no aborted transaction, control records kept (kafkajs
 * drops those afterwards). A producer's records are aborted from the first offset of an aborted
 * transaction of its, listed for the partition, until its abort marker.
 */
export function withoutAbortedTransactions<R extends FetchedRecord>({
  messages,
  abortedTransactions,
}: FetchedPartition<R>): R[] {
  if (!abortedTransactions?.length) return messages;
  const pending = abortedTransactions
    .map(({ producerId, firstOffset }) => ({ producerId, firstOffset: BigInt(firstOffset) }))
    .sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  const abortingProducers = new Set<string>();
  let due = pending.shift();
  return messages.filter((record) => {
    const offset = BigInt(record.offset);
    while (due !== undefined && due.firstOffset <= offset) {
      abortingProducers.add(due.producerId);
      due = pending.shift();
    }
    const { producerId, inTransaction } = record.batchContext;
    if (isAbortMarker(record)) {
      abortingProducers.delete(producerId);
      return true;
    }
    return !(inTransaction && abortingProducers.has(producerId));
  });
}
