import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type BatchClient, BatchingRecordProducer } from './batching-producer.ts';
import type { PlatformaticProducerOptions } from './platformatic-producer.ts';
import type { Delivery, OutgoingRecord } from './record-producer.ts';
import {
  type FromProducerThread,
  type ProducerCall,
  packRecords,
  relayErrorOf,
  type ToProducerThread,
} from './thread-messages.ts';

export interface ThreadedProducerOptions extends PlatformaticProducerOptions {
  /** Told when the producer thread ended without being asked to, with why; the next batch starts another. */
  readonly onThreadExit?: (error: Error) => void;
  /** The module the thread runs: producer-thread.ts unless a test gives one that ends on purpose. */
  readonly threadModule?: URL;
}

interface Pending<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (error: Error) => void;
}

/** The producer thread's name, which Linux shows as its thread's (`top -H`, `/proc/<pid>/task/<tid>/comm`). */
export const PRODUCER_THREAD_NAME = 'kafka-producer';

const producerThread = new URL(
  `./producer-thread${extname(fileURLToPath(import.meta.url))}`,
  import.meta.url,
);

/**
 * A `BatchClient` whose produce requests are made on a thread of its own, by a `PlatformaticBatchClient`
 * there: each batch crosses as one message, and its acknowledgement comes back as one.
 */
export class ThreadBatchClient implements BatchClient {
  readonly #options: PlatformaticProducerOptions;
  readonly #onThreadExit: (error: Error) => void;
  readonly #threadModule: URL;
  #worker: Worker | undefined;
  #nextId = 0;
  readonly #batches = new Map<number, Pending<(Delivery | undefined)[]> & { topics: string[] }>();
  readonly #calls = new Map<number, Pending<void>>();
  /** Threads ended on purpose, whose exit fails nothing. */
  readonly #retired = new WeakSet<Worker>();

  constructor(options: ThreadedProducerOptions) {
    const { onBatch: _onBatch, onThreadExit, threadModule, ...threadOptions } = options;
    this.#options = threadOptions;
    this.#onThreadExit = onThreadExit ?? (() => {});
    this.#threadModule = threadModule ?? producerThread;
  }

  connect(): Promise<void> {
    return this.#call('connect');
  }

  sendBatch(records: readonly OutgoingRecord[]): Promise<(Delivery | undefined)[]> {
    const batch = packRecords(records);
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      this.#batches.set(id, { resolve, reject, topics: records.map((record) => record.topic) });
      this.#thread().postMessage({ type: 'send', id, batch } satisfies ToProducerThread, [batch.bytes]);
    });
  }

  async disconnect(): Promise<void> {
    if (this.#worker === undefined) return;
    await this.#call('disconnect');
    const worker = this.#worker;
    if (worker === undefined) return;
    this.#retired.add(worker);
    this.#worker = undefined;
    await worker.terminate();
  }

  #call(call: ProducerCall): Promise<void> {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      this.#calls.set(id, { resolve, reject });
      this.#thread().postMessage({ type: 'call', id, call } satisfies ToProducerThread);
    });
  }

  #thread(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    // No resourceLimits: V8 flags the process was started with (the gateway's heap limits) override
    // them, so the thread has the same limits as the main one (it uses 20-40 MB at 2,000 records/s).
    const worker = new Worker(this.#threadModule, {
      workerData: this.#options,
      name: PRODUCER_THREAD_NAME,
    });
    worker.on('message', (message: FromProducerThread) => this.#received(message));
    let failure: Error | undefined;
    worker.on('error', (error) => {
      failure = error;
    });
    worker.on('exit', (code) => {
      if (this.#retired.has(worker)) return;
      this.#worker = undefined;
      const why = failure ?? new Error(`the producer thread exited with code ${code}`);
      this.#ended(new Error('the producer thread ended', { cause: why }));
      this.#onThreadExit(why);
    });
    this.#worker = worker;
    return worker;
  }

  #received(message: FromProducerThread): void {
    if (message.type === 'returned') {
      const call = this.#calls.get(message.id);
      this.#calls.delete(message.id);
      if (message.error === undefined) call?.resolve();
      else call?.reject(relayErrorOf(message.error));
      return;
    }
    const batch = this.#batches.get(message.id);
    this.#batches.delete(message.id);
    if (batch === undefined) return;
    if (message.error !== undefined) {
      batch.reject(relayErrorOf(message.error));
      return;
    }
    const { partitions, offsets } = message;
    batch.resolve(
      batch.topics.map((topic, i) => {
        const partition = partitions[i] as number;
        return partition < 0 ? undefined : { topic, partition, offset: offsets[i] as string };
      }),
    );
  }

  /** Fails what the ended thread had not answered: it may have stored some of it, so a retry can help. */
  #ended(error: Error): void {
    for (const pending of [...this.#batches.values(), ...this.#calls.values()]) pending.reject(error);
    this.#batches.clear();
    this.#calls.clear();
  }
}

/**
 * Batching as `PlatformaticRecordProducer` does it, the linger and the one request in flight on the
 * caller's thread, with the Kafka client's work (partitioning, framing, the sockets, the
 * acknowledgements) on a thread of its own. The gateway's HTTP thread is its bottleneck, so this is
 * CPU taken off the thread that answers webhooks; a batch costs each thread one wake-up more.
 *
 * If the thread ends without being asked to, the batch it had not answered fails (retriable), the
 * producer is unhealthy, and the next batch starts a new thread.
 */
export class ThreadedRecordProducer extends BatchingRecordProducer {
  constructor(options: ThreadedProducerOptions) {
    super(new ThreadBatchClient(options), options);
  }
}
