import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';

export interface ListenOptions {
  readonly fetch: (request: Request) => Response | Promise<Response>;
  /** 0 for any free port. */
  readonly port: number;
  readonly host: string;
  /**
   * Sockets listening on the port, the kernel spreading new connections over them (SO_REUSEPORT,
   * Linux only; elsewhere one). libuv accepts one connection per socket per turn of the event loop,
   * and a gateway offered twice its sustainable rate turned every ≈ 50 ms: with one socket, 150–280
   * connections waited in its accept queue, and 57–97 requests of a 10-s phase got no answer within
   * 10 s; with eight, every request was answered, the slowest after 2.7–3.4 s.
   */
  readonly sockets?: number;
  /**
   * Connections open at once at most, shared evenly between the sockets (the kernel spreads new
   * connections over them about evenly); beyond, Node closes a new connection as soon as it is
   * accepted. Unbounded unless told. Why a gateway bounds them: see its `MAX_CONNECTIONS`.
   */
  readonly maxConnections?: number;
  /** Called for each connection closed because of `maxConnections`. */
  readonly onConnectionDropped?: () => void;
}

export interface Listening {
  readonly port: number;
  readonly servers: readonly Server[];
  /** Stops accepting on every socket and resolves when each server's connections have ended. */
  close(): Promise<void>;
}

/** Serves `fetch` on `host:port`, over as many sockets as asked where the platform can share a port. */
export async function listen(options: ListenOptions): Promise<Listening> {
  const sockets = process.platform === 'linux' ? (options.sockets ?? 1) : 1;
  const server = () => {
    const created = createAdaptorServer({ fetch: options.fetch }) as Server;
    if (options.maxConnections !== undefined) {
      created.maxConnections = Math.ceil(options.maxConnections / sockets);
    }
    const { onConnectionDropped } = options;
    if (onConnectionDropped !== undefined) created.on('drop', onConnectionDropped);
    return created;
  };
  if (sockets === 1) {
    return listeningOn([await listening(server(), { port: options.port, host: options.host })]);
  }
  // A socket without SO_REUSEPORT cannot bind a port that sockets with it hold: a second instance on
  // the same port fails here, as with one socket, instead of silently taking half the connections.
  const port = await freePort(options.port, options.host);
  const servers: Server[] = [];
  try {
    for (let i = 0; i < sockets; i++) {
      servers.push(await listening(server(), { port, host: options.host, reusePort: true }));
    }
  } catch (error) {
    await listeningOn(servers).close();
    throw error;
  }
  return listeningOn(servers);
}

function listening<S extends Server | ReturnType<typeof createServer>>(
  server: S,
  options: { port: number; host: string; reusePort?: boolean },
): Promise<S> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

async function freePort(port: number, host: string): Promise<number> {
  const probe = await listening(createServer(), { port, host });
  const probed = portOf(probe);
  await new Promise((resolve) => probe.close(resolve));
  return probed;
}

/** The TCP port a listening server is bound to. */
function portOf(server: Pick<Server, 'address'>): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on a TCP port');
  return address.port;
}

function listeningOn(servers: readonly Server[]): Listening {
  const [first] = servers;
  return {
    port: first === undefined ? 0 : portOf(first),
    servers,
    close: () =>
      Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))).then(() => {}),
  };
}
