import { connect } from 'node:net';
import type { ISocketFactory } from 'kafkajs';

const PRODUCE_API_KEY = 0;

/**
 * A kafkajs socket factory that, while `losing` is on, lets produce requests reach the broker but drops
 * the connection when their response arrives: the broker has stored the records, the client never learns it.
 * That is the network fault behind "was my batch written?", made deterministic.
 */
export function losingProduceResponses(): { losing: boolean; readonly socketFactory: ISocketFactory } {
  const control = {
    losing: false,
    socketFactory: (({ host, port, onConnect }) => {
      const socket = connect({ host, port }, onConnect);
      const awaited = new Set<number>();
      const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
      socket.write = ((chunk: unknown, ...rest: unknown[]) => {
        // A request frame: size (int32), api key (int16), api version (int16), correlation id (int32).
        if (
          control.losing &&
          Buffer.isBuffer(chunk) &&
          chunk.length >= 12 &&
          chunk.readInt16BE(4) === PRODUCE_API_KEY
        )
          awaited.add(chunk.readInt32BE(8));
        return write(chunk, ...rest);
      }) as typeof socket.write;
      const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
      socket.emit = ((event: string | symbol, ...args: unknown[]) => {
        // A response frame: size (int32), correlation id (int32).
        const chunk = args[0];
        if (
          event === 'data' &&
          Buffer.isBuffer(chunk) &&
          chunk.length >= 8 &&
          awaited.has(chunk.readInt32BE(4))
        ) {
          socket.destroy(Object.assign(new Error('read ECONNRESET (injected)'), { code: 'ECONNRESET' }));
          return true;
        }
        return emit(event, ...args);
      }) as typeof socket.emit;
      return socket;
    }) satisfies ISocketFactory,
  };
  return control;
}
