/**
 * The producer thread of a `ThreadedRecordProducer`: a `PlatformaticRecordProducer` built from the
 * options in `workerData`, sending what the owning thread posts and posting back where each record
 * was stored. Results are gathered for one turn of the loop, so a batch's acknowledgements cross in
 * one message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type PlatformaticProducerOptions, PlatformaticRecordProducer } from './platformatic-producer.ts';
import {
  type FromProducerThread,
  type ToProducerThread,
  unpackRecords,
  type WireError,
  wireError,
} from './thread-messages.ts';

if (parentPort === null) throw new Error('producer-thread.ts runs as a worker thread only');
const port = parentPort;
const batches: number[] = [];
const producer = new PlatformaticRecordProducer({
  ...(workerData as PlatformaticProducerOptions),
  onBatch: (records) => batches.push(records),
});

let ids: number[] = [];
let partitions: number[] = [];
let offsets: string[] = [];
let failures: { id: number; error: WireError }[] = [];
let scheduled = false;

function postResults(): void {
  scheduled = false;
  if (ids.length === 0 && failures.length === 0) return;
  const results = { ids: new Float64Array(ids), partitions: new Int32Array(partitions), offsets, failures };
  const message: FromProducerThread = {
    type: 'settled',
    results,
    healthy: producer.healthy,
    batches: batches.splice(0),
  };
  ids = [];
  partitions = [];
  offsets = [];
  failures = [];
  port.postMessage(message, [results.ids.buffer, results.partitions.buffer]);
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(postResults);
}

/** A call's answer follows the results settled before it: a flush answers after the sends it waited for. */
function returned(id: number, error?: unknown): void {
  postResults();
  const message: FromProducerThread =
    error === undefined ? { type: 'returned', id } : { type: 'returned', id, error: wireError(error) };
  port.postMessage(message);
}

port.on('message', (message: ToProducerThread) => {
  if (message.type === 'send') {
    const { firstId } = message.batch;
    unpackRecords(message.batch).forEach((record, i) => {
      const id = firstId + i;
      producer.send(record).then(
        ({ partition, offset }) => {
          ids.push(id);
          partitions.push(partition);
          offsets.push(offset);
          schedule();
        },
        (error: unknown) => {
          failures.push({ id, error: wireError(error) });
          schedule();
        },
      );
    });
    // The owning thread lingered already: the records go as soon as no batch is in flight, without a
    // timer's extra millisecond.
    void producer.flush();
    return;
  }
  const { id, call } = message;
  producer[call]().then(
    () => returned(id),
    (error: unknown) => returned(id, error ?? new Error(`${call} failed`)),
  );
});
