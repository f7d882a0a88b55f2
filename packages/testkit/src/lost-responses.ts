import { createRequire, syncBuiltinESMExports } from 'node:module';
import { connect, type Socket } from 'node:net';
import type { ISocketFactory } from 'kafkajs';

const PRODUCE_API_KEY = 0;

interface Losing {
  losing: boolean;
}

/**
 * While `control.losing` is on, lets produce requests on `socket` reach the broker but drops the
 * connection when their response arrives: the broker has stored the records, the client never learns it.
 */
function dropProduceResponses(socket: Socket, control: Losing): Socket {
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
}

/**
 * A kafkajs socket factory whose produce responses are lost while `losing` is on (see
 * `dropProduceResponses`): the network fault behind "was my batch written?", made deterministic.
 */
export function losingProduceResponses(): { losing: boolean; readonly socketFactory: ISocketFactory } {
  const control: { losing: boolean; socketFactory: ISocketFactory } = {
    losing: false,
    socketFactory: (({ host, port, onConnect }) =>
      dropProduceResponses(connect({ host, port }, onConnect), control)) satisfies ISocketFactory,
  };
  return control;
}

/**
 * The same fault for a client that takes no socket factory: every TCP connection this process opens
 * until `restore()` (through `node:net`'s `createConnection`, whose ES module binding is updated too).
 */
export function losingProduceResponsesOnEveryConnection(): { losing: boolean; restore(): void } {
  const net = createRequire(import.meta.url)('node:net') as typeof import('node:net');
  const original = net.createConnection;
  const control = {
    losing: false,
    restore() {
      net.createConnection = original;
      syncBuiltinESMExports();
    },
  };
  net.createConnection = ((...args: Parameters<typeof original>) =>
    dropProduceResponses(original(...args), control)) as typeof original;
  syncBuiltinESMExports();
  return control;
}
