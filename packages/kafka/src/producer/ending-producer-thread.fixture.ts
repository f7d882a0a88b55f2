/**
 * The producer thread, ending (exit code 3) when it is handed a record with an `end-thread` header,
 * after the real thread took the record on: tests' stand-in for a thread that crashed mid-send.
 */
import { parentPort } from 'node:worker_threads';
import './producer-thread.ts';
import { type ToProducerThread, unpackRecords } from './thread-messages.ts';

parentPort?.on('message', (message: ToProducerThread) => {
  if (message.type === 'send' && unpackRecords(message.batch).some(({ headers }) => 'end-thread' in headers))
    process.exit(3);
});
