/** Header values as Kafka carries them: text, bytes, or several values under one name. */
export type RecordHeaders = Readonly<Record<string, string | Buffer | (string | Buffer)[]>>;

/** A record to publish: the key and value already encoded. */
export interface OutgoingRecord {
  readonly topic: string;
  /** Null only when passing on a record that had no key (a dead letter). */
  readonly key: string | Buffer | null;
  readonly value: Buffer;
  readonly headers: RecordHeaders;
}

/** Where the broker stored a record, once it acknowledged it. */
export interface Delivery {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * What services publish through, so the Kafka client can be swapped: `send` resolves only when
 * the broker acknowledged the record (acks=all), and rejects with a `RelayError`.
 */
export interface RecordProducer {
  connect(): Promise<void>;
  send(record: OutgoingRecord): Promise<Delivery>;
  /** Resolves when every record sent so far is acknowledged or failed. */
  flush(): Promise<void>;
  /** Flushes, then closes. */
  disconnect(): Promise<void>;
  /** False after a failed publish, until one succeeds again. */
  readonly healthy: boolean;
}
