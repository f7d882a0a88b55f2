import { cloudEventHeaders, type StreamDefinition } from '@relay/events';
import type {
  Batch,
  Consumer,
  EachBatchPayload,
  IHeaders,
  Kafka,
  KafkaMessage,
  Producer,
} from '@relay/kafkajs';
import pRetry from 'p-retry';
import { register as defaultRegistry, type Registry } from 'prom-client';
import { RelayError } from '../errors.ts';
import type { Publishable, PublishableValue } from '../producer/event-publisher.ts';
import { KafkajsRecordProducer } from '../producer/kafkajs-producer.ts';
import type { OutgoingRecord, RecordProducer } from '../producer/record-producer.ts';
import { createTopicsAndWait } from '../provision/create-topic.ts';
import { replicationFor } from '../provision/desired.ts';
import { SchemaRegistryAdmin } from '../schema-registry/admin.ts';
import { createRegistryClient } from '../schema-registry/client.ts';
import { EventSerde } from '../serde/event-serde.ts';
import { type ConsumerMetrics, consumerMetrics } from './consumer-metrics.ts';
import { deadLetterHeaders, deadLetterTopicOf } from './dead-letter.ts';

/** The CloudEvents attributes of a record's headers (Kafka binary mode), where present. */
export interface CloudEventAttributes {
  readonly id?: string;
  readonly source?: string;
  readonly type?: string;
  readonly time?: string;
  readonly traceparent?: string;
}

/** One decoded record, as a handler receives it. */
export interface ConsumedEvent<T> {
  readonly value: T;
  readonly key: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly cloudEvent: CloudEventAttributes;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** The record's timestamp, epoch milliseconds. */
  readonly timestamp: number;
}

export interface HandlerContext {
  /** 1 for the first try. */
  readonly attempt: number;
  /** Aborted when the consumer stops: a long handler should give up, its record is redelivered. */
  readonly signal: AbortSignal;
  /**
   * Publishes a derived event (its definition given in `publishes`). Transactional consumers
   * write it with the record's offset, atomically; others publish it at once, acknowledged
   * before the record counts as handled. Dropped if this attempt fails.
   */
  publish<T extends PublishableValue>(definition: Publishable<T>, value: T): Promise<void>;
}

/**
 * Handles one record. Resolving means done (the offset may be committed); throwing means try
 * again, unless the error says `retriable: false`, which sends the record to the dead letters at once.
 */
export type EventHandler<T> = (event: ConsumedEvent<T>, context: HandlerContext) => Promise<void>;

/** pino's shape, so a pino logger fits; anything with these methods does. */
export interface ConsumerLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface RetryOptions {
  /** Tries after the first one before the record goes to the dead letters. */
  readonly retries?: number;
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
}

export interface EventConsumerOptions {
  readonly kafka: Kafka;
  /** Where the schemas are; or a serde already resolved for every subscribed definition. */
  readonly schemaRegistryUrl?: string;
  readonly serde?: EventSerde;
  readonly groupId: string;
  /** Default `<groupId>.dead-letter.v1`, created at start if missing. */
  readonly deadLetterTopic?: string;
  /** Where dead letters are published; default an idempotent producer of its own. */
  readonly producer?: RecordProducer;
  readonly retry?: RetryOptions;
  /**
   * Exactly-once output: what handlers publish, the dead letters and the group offsets are
   * written in one Kafka transaction per chunk of records, so a crash never duplicates nor
   * loses them (for read-committed readers). Without it, delivery is at least once.
   */
  readonly transactional?: {
    readonly transactionalId: string;
    /** Records handled before their transaction commits, at most. */
    readonly maxRecordsPerTransaction?: number;
    /**
     * How long the broker lets a transaction stay open before aborting it. A transaction is opened
     * only to write a handled chunk, so this can be short: it is how long the transactions of an
     * instance that died keep the records after them from read-committed consumers.
     */
    readonly timeoutMs?: number;
    /** After each transaction committed: what handlers staged may now be taken as done. */
    readonly onCommitted?: () => void;
    /** After a transaction was aborted: what handlers staged since the last commit is void. */
    readonly onAborted?: () => void;
  };
  /**
   * Called with the partitions this instance was given, after each rebalance; no record is
   * handled until it resolves (e.g. to rebuild the state of those partitions). If it rejects, it is
   * called again before the next batch.
   */
  readonly onAssigned?: (assignment: Readonly<Record<string, readonly number[]>>) => Promise<void>;
  /** Derived events handlers publish, besides the subscribed ones: their schemas are resolved at start. */
  readonly publishes?: readonly StreamDefinition<unknown>[];
  /** Where a new group starts: the earliest records (default) or only new ones. */
  readonly fromBeginning?: boolean;
  readonly partitionsConsumedConcurrently?: number;
  readonly sessionTimeoutMs?: number;
  /** How long a fetch waits for records: also how long `stop` may wait for the fetch in flight. */
  readonly maxWaitTimeMs?: number;
  readonly metrics?: Registry;
  readonly logger?: ConsumerLogger;
}

type Assignment = Readonly<Record<string, readonly number[]>>;

type BatchPayload = Pick<EachBatchPayload, 'batch' | 'resolveOffset' | 'heartbeat' | 'isRunning' | 'isStale'>;

interface Route {
  readonly definition: StreamDefinition<unknown>;
  readonly handler: EventHandler<unknown>;
}

const silent: ConsumerLogger = { info() {}, warn() {}, error() {} };

function text(value: Buffer | string | (Buffer | string)[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

function headersAsText(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const decoded = text(value);
    if (decoded !== undefined) result[name] = decoded;
  }
  return result;
}

function cloudEventOf(headers: Readonly<Record<string, string>>): CloudEventAttributes {
  const attributes: Record<string, string> = {};
  for (const [attribute, header] of [
    ['id', 'ce_id'],
    ['source', 'ce_source'],
    ['type', 'ce_type'],
    ['time', 'ce_time'],
    ['traceparent', 'traceparent'],
  ] as const) {
    const value = headers[header];
    if (value !== undefined) attributes[attribute] = value;
  }
  return attributes;
}

function describe(error: unknown): { code: string; detail: string; retriable: boolean } {
  if (error instanceof RelayError)
    return { code: error.code, detail: error.message, retriable: error.retriable };
  const retriable = (error as { retriable?: unknown } | null)?.retriable !== false;
  return {
    code: 'HANDLER_FAILED',
    detail: error instanceof Error ? error.message : String(error),
    retriable,
  };
}

const OUTAGES: ReadonlySet<string> = new Set(['SCHEMA_REGISTRY_UNAVAILABLE', 'KAFKA_UNAVAILABLE']);

function isOutage(error: unknown): boolean {
  if (error instanceof RelayError) return OUTAGES.has(error.code);
  // kafkajs's own errors: a heartbeat that learnt of a rebalance, a broker that went away.
  return error instanceof Error && error.name.startsWith('KafkaJS');
}

/** A decoded record; its key and headers are decoded only for handlers that look at them. */
class Received<T> implements ConsumedEvent<T> {
  readonly value: T;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: number;
  readonly #raw: IHeaders | undefined;
  readonly #key: Buffer | null;
  #headers: Record<string, string> | undefined;

  constructor(value: T, batch: Batch, message: KafkaMessage) {
    this.value = value;
    this.#key = message.key;
    this.topic = batch.topic;
    this.partition = batch.partition;
    this.offset = message.offset;
    this.timestamp = Number(message.timestamp);
    this.#raw = message.headers;
  }

  get key(): string | null {
    return this.#key === null ? null : this.#key.toString();
  }

  get headers(): Readonly<Record<string, string>> {
    this.#headers ??= headersAsText(this.#raw);
    return this.#headers;
  }

  get cloudEvent(): CloudEventAttributes {
    return cloudEventOf(this.headers);
  }
}

/** What handling one record gave: records to publish with it, and whether it was handled at all. */
interface Handled {
  /** False when the consumer stopped before the record was handled: it is not committed. */
  readonly done: boolean;
  readonly outputs: readonly OutgoingRecord[];
}

const ABANDONED: Handled = { done: false, outputs: [] };

/**
 * A typed Kafka consumer: subscribe by event definition, get decoded values. An offset is
 * committed only once its record's handler succeeded or the record was written to the
 * dead-letter topic; a handler error is retried with backoff, then dead-lettered. At least once
 * by default; exactly-once output with `transactional`.
 */
export class EventConsumer {
  readonly #options: EventConsumerOptions;
  readonly #routes = new Map<string, Route>();
  readonly #metrics: ConsumerMetrics;
  readonly #logger: ConsumerLogger;
  readonly #deadLetterTopic: string;
  readonly #ownsProducer: boolean;
  readonly #producer: RecordProducer;
  #transactions: Producer | undefined;
  /** Set when a transaction failed: its producer must be replaced before the next one (see `#usableTransactions`). */
  #renewTransactions = false;
  readonly #stopping = new AbortController();
  readonly #boundMetrics = new Map<
    string,
    {
      processed: ReturnType<ConsumerMetrics['processed']['labels']>;
      failed: ReturnType<ConsumerMetrics['failed']['labels']>;
      handlerSeconds: ReturnType<ConsumerMetrics['handlerSeconds']['labels']>;
    }
  >();
  #serde: EventSerde | undefined;
  #consumer: Consumer | undefined;
  #crashed: Error | undefined;
  #running = false;
  /** The preparation (`onAssigned`) of the partitions last assigned, which batches wait for. */
  #assigned: { readonly partitions: Assignment; readonly prepared: Promise<void> } | undefined;

  constructor(options: EventConsumerOptions) {
    this.#options = options;
    this.#metrics = consumerMetrics(options.metrics ?? defaultRegistry);
    this.#logger = options.logger ?? silent;
    this.#deadLetterTopic = options.deadLetterTopic ?? deadLetterTopicOf(options.groupId);
    this.#ownsProducer = options.producer === undefined;
    this.#producer = options.producer ?? new KafkajsRecordProducer(options.kafka, { lingerMs: 0 });
    this.#transactions = this.#transactionalProducer();
  }

  #transactionalProducer(): Producer | undefined {
    const { transactional } = this.#options;
    return transactional === undefined
      ? undefined
      : this.#options.kafka.producer({
          transactionalId: transactional.transactionalId,
          transactionTimeout: transactional.timeoutMs ?? 10_000,
          idempotent: true,
          maxInFlightRequests: 1,
        });
  }

  /**
   * The transactional producer, replaced first if the last transaction failed. kafkajs leaves a
   * producer whose commit or abort failed in a state where every later transaction is refused. And
   * it rewinds its sequence numbers when a produce fails, though the broker may have written the
   * batch (the answer was lost): under the same epoch, the redone chunk's batch would reuse that
   * sequence and the broker would take it for a duplicate of the aborted one, acknowledged but never
   * written. The new producer's InitProducerId, under the same transactional id, bumps the epoch
   * (sequences start again), fences the old producer and has the coordinator finish whatever it
   * left: a commit under way completes, anything else is aborted.
   */
  async #usableTransactions(): Promise<Producer> {
    if (this.#renewTransactions) {
      await this.#transactions?.disconnect().catch(() => {});
      this.#transactions = this.#transactionalProducer();
      await this.#transactions?.connect();
      this.#renewTransactions = false;
    }
    if (this.#transactions === undefined) throw new Error('not a transactional consumer');
    return this.#transactions;
  }

  get groupId(): string {
    return this.#options.groupId;
  }

  get deadLetterTopic(): string {
    return this.#deadLetterTopic;
  }

  /** True from a successful start until stop, or until kafkajs gives up after its own retries. */
  get running(): boolean {
    return this.#running && this.#crashed === undefined;
  }

  /** For a readiness probe: why the consumer is not consuming, if it is not. */
  notReadyBecause(): string[] {
    if (this.#crashed !== undefined) return [`the consumer failed: ${this.#crashed.message}`];
    return this.#running ? [] : ['the consumer is not running'];
  }

  /** What stopped the consumer when it was not asked to, if anything. */
  get crashed(): Error | undefined {
    return this.#crashed;
  }

  /** Handles the records of the definition's topic; call before `start`. */
  on<T>(definition: StreamDefinition<T>, handler: EventHandler<T>): this {
    if (this.#consumer !== undefined) throw new Error('subscribe before start()');
    this.#routes.set(definition.topic, { definition, handler: handler as EventHandler<unknown> });
    return this;
  }

  /**
   * Checks that every topic exists and every schema resolves (clear errors naming them), creates
   * the dead-letter topic if missing, then consumes until `stop`.
   */
  async start(): Promise<void> {
    if (this.#routes.size === 0) throw new Error('nothing to consume: call on(definition, handler) first');
    this.#serde = await this.#resolveSerde();
    await this.#checkTopics();
    if (this.#transactions === undefined) await this.#producer.connect();
    else await this.#transactions.connect();
    const consumer = this.#options.kafka.consumer({
      groupId: this.#options.groupId,
      sessionTimeout: this.#options.sessionTimeoutMs ?? 30_000,
      maxWaitTimeInMs: this.#options.maxWaitTimeMs ?? 1_000,
      retry: { retries: 10 },
    });
    this.#consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => this.#prepare(payload.memberAssignment));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      this.#crashed = payload.error;
      this.#logger.error(
        { err: payload.error, group: this.#options.groupId },
        'consumer stopped after a failure',
      );
    });
    try {
      await consumer.connect();
      await consumer.subscribe({
        topics: [...this.#routes.keys()],
        fromBeginning: this.#options.fromBeginning ?? true,
      });
    } catch (error) {
      // Nothing is left half-started: `start` may be called again.
      this.#consumer = undefined;
      await consumer.disconnect().catch(() => {});
      throw new RelayError('KAFKA_UNAVAILABLE', `cannot join group ${this.#options.groupId}`, {
        cause: error,
      });
    }
    await consumer.run({
      // Transactional consumers commit offsets in their transactions, never on their own.
      autoCommit: this.#transactions === undefined,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.#options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) =>
        this.#transactions === undefined ? this.#eachBatch(payload) : this.#eachBatchInTransactions(payload),
    });
    this.#running = true;
    this.#logger.info(
      {
        group: this.#options.groupId,
        topics: [...this.#routes.keys()],
        deadLetterTopic: this.#deadLetterTopic,
        transactional: this.#transactions !== undefined,
      },
      'consuming',
    );
  }

  /**
   * Stops fetching, lets the record being handled finish (its handler's signal is aborted),
   * commits what was handled and nothing after it, then disconnects.
   */
  async stop(): Promise<void> {
    this.#stopping.abort();
    this.#running = false;
    await this.#consumer?.disconnect();
    await this.#transactions?.disconnect();
    if (this.#ownsProducer) await this.#producer.disconnect();
    else await this.#producer.flush();
  }

  async #resolveSerde(): Promise<EventSerde> {
    const definitions = [
      ...[...this.#routes.values()].map((route) => route.definition),
      ...(this.#options.publishes ?? []),
    ];
    const { serde, schemaRegistryUrl } = this.#options;
    if (serde !== undefined) {
      for (const definition of definitions) serde.schemaIdOf(definition);
      return serde;
    }
    if (schemaRegistryUrl === undefined) throw new Error('EventConsumer needs schemaRegistryUrl or serde');
    return EventSerde.resolve(
      createRegistryClient(schemaRegistryUrl),
      new SchemaRegistryAdmin(schemaRegistryUrl),
      definitions,
    );
  }

  async #checkTopics(): Promise<void> {
    const admin = this.#options.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const needed = [...this.#routes.keys(), ...(this.#options.publishes ?? []).map((d) => d.topic)];
      const missing = needed.filter((topic) => !existing.has(topic));
      if (missing.length > 0)
        throw new RelayError('TOPIC_NOT_FOUND', `${missing.join(', ')} (run \`npm run provision\`)`);
      if (!existing.has(this.#deadLetterTopic)) {
        // Replicated as provisioning replicates the catalogue, not as the broker's defaults say
        // (often one copy): a dead letter is the last copy of a record the group could not handle.
        const { brokers } = await admin.describeCluster();
        const { replicationFactor, minInsyncReplicas } = replicationFor(brokers.length);
        await createTopicsAndWait(admin, [
          {
            topic: this.#deadLetterTopic,
            replicationFactor,
            configEntries: [{ name: 'min.insync.replicas', value: String(minInsyncReplicas) }],
          },
        ]);
      }
    } finally {
      await admin.disconnect();
    }
  }

  /** Starts preparing newly assigned partitions (`onAssigned`); batches wait for it. */
  #prepare(partitions: Assignment): void {
    const { onAssigned } = this.#options;
    if (onAssigned === undefined) return;
    const prepared = onAssigned(partitions);
    // Its failure is for the next batch to see, not the process: unobserved, it would end it.
    prepared.catch(() => {});
    this.#assigned = { partitions, prepared };
  }

  /**
   * Resolves once the assigned partitions are prepared. A failed preparation (say, leaders moving
   * while it read the cluster) fails this batch, to be fetched again, and is started again for it.
   */
  async #assignmentPrepared(): Promise<void> {
    const assigned = this.#assigned;
    if (assigned === undefined) return;
    try {
      await assigned.prepared;
    } catch (error) {
      if (this.#assigned === assigned) this.#prepare(assigned.partitions);
      throw error;
    }
  }

  #setLag(batch: Batch, last: string): void {
    this.#metrics.lag.set(
      { group: this.#options.groupId, topic: batch.topic, partition: String(batch.partition) },
      Math.max(0, Number(batch.highWatermark) - Number(last) - 1),
    );
  }

  async #eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: BatchPayload): Promise<void> {
    const route = this.#routes.get(batch.topic);
    if (route === undefined) return;
    await this.#assignmentPrepared();
    let last: string | undefined;
    try {
      for (const message of batch.messages) {
        if (!isRunning() || isStale() || this.#stopping.signal.aborted) break;
        if (!(await this.#handle(route, batch, message, heartbeat)).done) break;
        last = message.offset;
      }
    } finally {
      // Resolving the last handled offset covers every one before it (also when a record throws
      // for an outage): one call per batch instead of one per record, which kafkajs makes costly.
      if (last !== undefined) {
        resolveOffset(last);
        this.#setLag(batch, last);
      }
    }
  }

  /**
   * Handles records in chunks; each chunk's outputs and its next offset are committed in one
   * transaction. A failure aborts the chunk: its records are fetched and handled again.
   */
  async #eachBatchInTransactions({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: BatchPayload): Promise<void> {
    const route = this.#routes.get(batch.topic);
    if (route === undefined) return;
    await this.#assignmentPrepared();
    const chunkSize = this.#options.transactional?.maxRecordsPerTransaction ?? 200;
    let outputs: OutgoingRecord[] = [];
    let last: string | undefined;
    let uncommitted = 0;
    const commit = async () => {
      if (last === undefined || uncommitted === 0) return;
      await this.#commitChunk(batch, last, outputs, heartbeat);
      this.#options.transactional?.onCommitted?.();
      // kafkajs fetches from the resolved offset: resolving only what is committed keeps the rest to redo.
      resolveOffset(last);
      this.#setLag(batch, last);
      outputs = [];
      uncommitted = 0;
    };
    try {
      for (const message of batch.messages) {
        if (!isRunning() || isStale() || this.#stopping.signal.aborted) break;
        const handled = await this.#handle(route, batch, message, heartbeat);
        if (!handled.done) break;
        outputs.push(...handled.outputs);
        last = message.offset;
        if (++uncommitted >= chunkSize) await commit();
      }
      await commit();
    } catch (error) {
      // Whatever the handlers staged since the last commit will be redone from the records.
      this.#options.transactional?.onAborted?.();
      throw error;
    }
  }

  async #commitChunk(
    batch: Batch,
    last: string,
    outputs: readonly OutgoingRecord[],
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    let transaction: Awaited<ReturnType<Producer['transaction']>> | undefined;
    try {
      const producer = await this.#usableTransactions();
      transaction = await producer.transaction();
      const byTopic = new Map<string, OutgoingRecord[]>();
      for (const record of outputs) byTopic.set(record.topic, [...(byTopic.get(record.topic) ?? []), record]);
      if (byTopic.size > 0) {
        await transaction.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, records]) => ({
            topic,
            messages: records.map(({ key, value, headers }) => ({ key, value, headers: { ...headers } })),
          })),
        });
      }
      await transaction.sendOffsets({
        consumerGroupId: this.#options.groupId,
        topics: [
          {
            topic: batch.topic,
            partitions: [{ partition: batch.partition, offset: (BigInt(last) + 1n).toString() }],
          },
        ],
      });
      await transaction.commit();
    } catch (error) {
      this.#renewTransactions = true;
      const aborted = await (transaction?.abort().then(
        () => true,
        () => false,
      ) ?? false);
      if (!aborted) {
        // The coordinator may have committed and only its answer been lost: redoing the chunk
        // would then write its outputs a second time.
        if (await this.#committedAfterAll(batch, last, heartbeat)) return;
      }
      // No `cause`: kafkajs decides whether to restart the consumer from the innermost cause,
      // and kafkajs calls its transaction errors non-retriable; the chunk is always worth redoing.
      throw new RelayError(
        'KAFKA_UNAVAILABLE',
        `a transaction up to ${batch.topic}/${batch.partition}@${last} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /**
   * Whether a transaction that could be neither committed nor aborted was committed after all. A
   * new producer under the same transactional id settles it (see `#usableTransactions`); the
   * group's committed offset then says which way. Tries until the cluster answers or the consumer
   * stops: until then nothing of this partition can be redone without risking a second copy.
   */
  async #committedAfterAll(batch: Batch, last: string, heartbeat: () => Promise<void>): Promise<boolean> {
    const committed = await pRetry(
      async () => {
        this.#renewTransactions = true;
        const producer = await this.#usableTransactions();
        // kafkajs sends a producer's InitProducerId with its first transaction; an empty one ends
        // without a request.
        await (await producer.transaction()).abort();
        return (await this.#committedOffset(batch.topic, batch.partition)) > BigInt(last);
      },
      {
        retries: Number.POSITIVE_INFINITY,
        minTimeout: 200,
        maxTimeout: 5_000,
        randomize: true,
        signal: this.#stopping.signal,
        onFailedAttempt: async ({ error, attemptNumber }) => {
          this.#logger.warn(
            {
              err: error,
              group: this.#options.groupId,
              topic: batch.topic,
              partition: batch.partition,
              attemptNumber,
            },
            'cannot tell yet whether a failed transaction was committed',
          );
          // A rebalance cannot be acted on before this returns: only the membership is kept here.
          await heartbeat().catch(() => {});
        },
      },
    );
    this.#metrics.unsettledTransactions.inc({
      group: this.#options.groupId,
      topic: batch.topic,
      outcome: committed ? 'committed' : 'aborted',
    });
    this.#logger.warn(
      { group: this.#options.groupId, topic: batch.topic, partition: batch.partition, last, committed },
      committed ? 'a transaction reported as failed was committed' : 'a failed transaction was aborted',
    );
    return committed;
  }

  /** The group's committed offset of a partition, from its coordinator; -1 when there is none. */
  async #committedOffset(topic: string, partition: number): Promise<bigint> {
    const admin = this.#options.kafka.admin();
    await admin.connect();
    try {
      const [fetched] = await admin.fetchOffsets({ groupId: this.#options.groupId, topics: [topic] });
      const offset = fetched?.partitions.find((p) => p.partition === partition)?.offset;
      return BigInt(offset ?? '-1');
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Handled once the record's handler succeeded or it was dead-lettered; abandoned when the
   * consumer is stopping. Throws to have it redelivered: an outage, or a rebalance.
   */
  async #handle(
    route: Route,
    batch: Batch,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
  ): Promise<Handled> {
    const metrics = this.#topicMetrics(batch.topic);
    const started = performance.now();
    let attempts = 1;
    try {
      let outputs: OutgoingRecord[];
      try {
        outputs = await this.#attempt(route, batch, message, 1);
      } catch (first) {
        // The slow path: the first failure goes through the same retry policy as the others.
        outputs = await pRetry(
          async (attempt) => {
            attempts = attempt;
            if (attempt === 1) throw first;
            return this.#attempt(route, batch, message, attempt);
          },
          {
            retries: this.#options.retry?.retries ?? 4,
            minTimeout: this.#options.retry?.minDelayMs ?? 200,
            maxTimeout: this.#options.retry?.maxDelayMs ?? 10_000,
            randomize: true,
            signal: this.#stopping.signal,
            shouldRetry: ({ error }) => describe(error).retriable && !this.#stopping.signal.aborted,
            onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
              // A handler giving up because the consumer stops has not failed: its record is redone.
              if (this.#stopping.signal.aborted) return;
              metrics.failed.inc();
              this.#logger.warn(
                {
                  err: error,
                  group: this.#options.groupId,
                  topic: batch.topic,
                  partition: batch.partition,
                  offset: message.offset,
                  attemptNumber,
                  retriesLeft,
                },
                'handler failed',
              );
              // Retries can take longer than the session: stay in the group meanwhile.
              await heartbeat();
            },
          },
        );
      }
      metrics.processed.inc();
      return { done: true, outputs };
    } catch (error) {
      if (this.#stopping.signal.aborted) return ABANDONED;
      // An outage or a rebalance is not the record's fault: it stays where it is, to be tried again.
      if (isOutage(error)) throw error;
      const failure = describe(error);
      const letter = this.#deadLetter(batch, message, failure, attempts);
      if (this.#transactions === undefined) await this.#producer.send(letter);
      this.#metrics.deadLettered.inc({
        group: this.#options.groupId,
        topic: batch.topic,
        code: failure.code,
      });
      this.#logger.warn(
        {
          ...failure,
          group: this.#options.groupId,
          topic: batch.topic,
          partition: batch.partition,
          offset: message.offset,
        },
        'record dead-lettered',
      );
      return { done: true, outputs: this.#transactions === undefined ? [] : [letter] };
    } finally {
      metrics.handlerSeconds.observe((performance.now() - started) / 1000);
    }
  }

  /** One try: decode, then the handler; what it published, if it succeeded. */
  async #attempt(
    route: Route,
    batch: Batch,
    message: KafkaMessage,
    attempt: number,
  ): Promise<OutgoingRecord[]> {
    const published: OutgoingRecord[] = [];
    const decoded = this.#decode(route, batch, message);
    const event = decoded instanceof Promise ? await decoded : decoded;
    await route.handler(event, {
      attempt,
      signal: this.#stopping.signal,
      publish: (definition, value) => this.#publish(definition, value, published),
    });
    return published;
  }

  /** The per-record metrics of a topic, their labels bound once (the lookup is not free at every record). */
  #topicMetrics(topic: string) {
    let bound = this.#boundMetrics.get(topic);
    if (bound === undefined) {
      const labels = { group: this.#options.groupId, topic };
      bound = {
        processed: this.#metrics.processed.labels(labels),
        failed: this.#metrics.failed.labels(labels),
        handlerSeconds: this.#metrics.handlerSeconds.labels(labels),
      };
      this.#boundMetrics.set(topic, bound);
    }
    return bound;
  }

  async #publish<T extends PublishableValue>(
    definition: Publishable<T>,
    value: T,
    published: OutgoingRecord[],
  ): Promise<void> {
    const serde = this.#serde;
    if (serde === undefined) throw new Error('not started');
    const record: OutgoingRecord = {
      topic: definition.topic,
      key: definition.key.of(value),
      value: serde.encode(definition, value),
      headers: cloudEventHeaders(definition, value),
    };
    if (this.#transactions === undefined) await this.#producer.send(record);
    else published.push(record);
  }

  /** The record decoded, at once if its schema is known, else after fetching it. */
  #decode(
    route: Route,
    batch: Batch,
    message: KafkaMessage,
  ): ConsumedEvent<unknown> | Promise<ConsumedEvent<unknown>> {
    const value = message.value;
    if (value === null) throw new RelayError('NOT_AN_EVENT_RECORD', 'a record without a value (tombstone)');
    const serde = this.#serde;
    if (serde === undefined) throw new Error('not started');
    const known = serde.decodeIfKnown(route.definition, value);
    if (known !== undefined) return new Received(known, batch, message);
    return serde.decode(route.definition, value).then((decoded) => new Received(decoded, batch, message));
  }

  #deadLetter(
    batch: Batch,
    message: KafkaMessage,
    failure: { code: string; detail: string },
    attempts: number,
  ): OutgoingRecord {
    return {
      topic: this.#deadLetterTopic,
      key: message.key,
      value: message.value ?? Buffer.alloc(0),
      headers: deadLetterHeaders(message.headers, {
        ...failure,
        group: this.#options.groupId,
        topic: batch.topic,
        partition: batch.partition,
        offset: message.offset,
        attempts,
        failedAt: new Date(),
      }),
    };
  }
}
