/** A record to publish: the key and value already encoded. */
export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
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
