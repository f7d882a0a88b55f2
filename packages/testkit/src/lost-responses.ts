import { createRequire, syncBuiltinESMExports } from 'node:module';
import { connect, type Socket } from 'node:net';
import type { ISocketFactory } from '@relay/kafkajs';

/** The requests whose answers a test can lose, by their Kafka protocol API key. */
const API_KEYS = { Produce: 0, EndTxn: 26 } as const;
export type LosableRequest = keyof typeof API_KEYS;

interface Losing {
  losing: boolean;
  lost: number;
}

/** Loses a frame as a failing network would: the connection is reset, no half frame is ever read. */
function drop(socket: Socket, control: Losing): void {
  control.lost++;
  socket.destroy(Object.assign(new Error('read ECONNRESET (injected)'), { code: 'ECONNRESET' }));
}

/**
 * While `control.losing` is on, drops the connection of `request`s on `socket`: before the request
 * leaves (`what` = 'request': the broker never sees it), or when its response arrives ('response':
 * the broker has done the work, the client never learns it).
 */
function dropFrames(
  socket: Socket,
  request: LosableRequest,
  what: 'request' | 'response',
  control: Losing,
): Socket {
  const apiKey = API_KEYS[request];
  const awaited = new Set<number>();
  const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
  socket.write = ((chunk: unknown, ...rest: unknown[]) => {
    // A request frame: size (int32), api key (int16), api version (int16), correlation id (int32).
    if (control.losing && Buffer.isBuffer(chunk) && chunk.length >= 12 && chunk.readInt16BE(4) === apiKey) {
      if (what === 'request') {
        drop(socket, control);
        return false;
      }
      awaited.add(chunk.readInt32BE(8));
    }
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
      drop(socket, control);
      return true;
    }
    return emit(event, ...args);
  }) as typeof socket.emit;
  return socket;
}

interface LosingSocketFactory {
  losing: boolean;
  readonly lost: number;
  readonly socketFactory: ISocketFactory;
}

function losingSocketFactory(request: LosableRequest, what: 'request' | 'response'): LosingSocketFactory {
  const control: Losing & { socketFactory: ISocketFactory } = {
    losing: false,
    lost: 0,
    socketFactory: (({ host, port, onConnect }) =>
      dropFrames(connect({ host, port }, onConnect), request, what, control)) satisfies ISocketFactory,
  };
  return control;
}

/**
 * A kafkajs socket factory whose answers to `request` are lost while `losing` is on, counting them
 * in `lost`: the network fault behind "was my batch written?" or "was my transaction committed?",
 * made deterministic.
 */
export function losingResponses(request: LosableRequest = 'Produce'): LosingSocketFactory {
  return losingSocketFactory(request, 'response');
}

/** The same, with the `request`s themselves lost: the broker never learns of them. */
export function losingRequests(request: LosableRequest): LosingSocketFactory {
  return losingSocketFactory(request, 'request');
}

/**
 * The same fault for a client that takes no socket factory: every TCP connection this process opens
 * until `restore()` (through `node:net`'s `createConnection`, whose ES module binding is updated too).
 */
export function losingResponsesOnEveryConnection(request: LosableRequest = 'Produce'): {
  losing: boolean;
  readonly lost: number;
  restore(): void;
} {
  const net = createRequire(import.meta.url)('node:net') as typeof import('node:net');
  const original = net.createConnection;
  const control = {
    losing: false,
    lost: 0,
    restore() {
      net.createConnection = original;
      syncBuiltinESMExports();
    },
  };
  net.createConnection = ((...args: Parameters<typeof original>) =>
    dropFrames(original(...args), request, 'response', control)) as typeof original;
  syncBuiltinESMExports();
  return control;
}
