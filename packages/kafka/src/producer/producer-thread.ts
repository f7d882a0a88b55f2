/**
 * The producer thread of a `ThreadedRecordProducer`: a `PlatformaticBatchClient` built from the
 * options in `workerData`, making one produce request per batch the owning thread posts and posting
 * back where each record was stored.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PlatformaticBatchClient, type PlatformaticProducerOptions } from './platformatic-producer.ts';
import {
  type FromProducerThread,
  type ToProducerThread,
  unpackRecords,
  wireError,
} from './thread-messages.ts';

if (parentPort === null) throw new Error('producer-thread.ts runs as a worker thread only');
const port = parentPort;
const client = new PlatformaticBatchClient(workerData as PlatformaticProducerOptions);

function post(message: FromProducerThread, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

port.on('message', (message: ToProducerThread) => {
  const { id } = message;
  if (message.type === 'send') {
    client.sendBatch(unpackRecords(message.batch)).then(
      (deliveries) => {
        const partitions = new Int32Array(deliveries.map((delivery) => delivery?.partition ?? -1));
        const offsets = deliveries.map((delivery) => delivery?.offset ?? '');
        post({ type: 'sent', id, partitions, offsets }, [partitions.buffer]);
      },
      (error: unknown) => post({ type: 'sent', id, error: wireError(error) }),
    );
    return;
  }
  const { call } = message;
  client[call]().then(
    () => post({ type: 'returned', id }),
    (error: unknown) =>
      post({ type: 'returned', id, error: wireError(error ?? new Error(`${call} failed`)) }),
  );
});
