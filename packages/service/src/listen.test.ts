import type { Socket } from 'node:net';
import { getOver, listeningSockets, openConnection } from '@relay/testkit';
import { expect, test } from '@relay/testkit/vitest';
import { type Listening, listen } from './listen.ts';

const fetchHello = () => new Response('hello');

async function answers(listening: Listening, requests: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: requests }, async () => {
      // A new connection each: the kernel picks the socket per connection.
      const response = await fetch(`http://127.0.0.1:${listening.port}/`, {
        headers: { connection: 'close' },
        signal: AbortSignal.timeout(5_000),
      });
      return response.text();
    }),
  );
}

test.runIf(process.platform === 'linux')(
  'several sockets listen on one port, and every one answers',
  async () => {
    const listening = await listen({ fetch: fetchHello, port: 0, host: '127.0.0.1', sockets: 4 });
    try {
      expect(listening.servers).toHaveLength(4);
      expect(listeningSockets(listening.port)).toBe(4);
      expect(await answers(listening, 20)).toEqual(Array(20).fill('hello'));
    } finally {
      await listening.close();
    }
  },
);

test('one socket unless told', async () => {
  const listening = await listen({ fetch: fetchHello, port: 0, host: '127.0.0.1' });
  try {
    expect(listening.servers).toHaveLength(1);
    expect(await answers(listening, 3)).toEqual(['hello', 'hello', 'hello']);
  } finally {
    await listening.close();
  }
});

test.each([1, 4])(
  'a port already served by %i socket(s) is refused to a second instance',
  async (sockets) => {
    const first = await listen({ fetch: fetchHello, port: 0, host: '127.0.0.1', sockets });
    try {
      for (const secondSockets of [1, 4]) {
        await expect(
          listen({ fetch: fetchHello, port: first.port, host: '127.0.0.1', sockets: secondSockets }),
        ).rejects.toMatchObject({ code: 'EADDRINUSE' });
      }
      expect(await answers(first, 4)).toEqual(Array(4).fill('hello'));
    } finally {
      await first.close();
    }
  },
);

test('after close the port is free again', async () => {
  const first = await listen({ fetch: fetchHello, port: 0, host: '127.0.0.1', sockets: 4 });
  await first.close();
  const again = await listen({ fetch: fetchHello, port: first.port, host: '127.0.0.1', sockets: 4 });
  try {
    expect(again.port).toBe(first.port);
  } finally {
    await again.close();
  }
});

test('beyond maxConnections a new connection is closed at once and counted; the open ones are still served', async () => {
  let dropped = 0;
  const listening = await listen({
    fetch: fetchHello,
    port: 0,
    host: '127.0.0.1',
    maxConnections: 2,
    onConnectionDropped: () => {
      dropped += 1;
    },
  });
  const open: Socket[] = [];
  try {
    for (let i = 0; i < 2; i++) open.push((await openConnection(listening.port)).socket);
    const third = await openConnection(listening.port);
    open.push(third.socket);

    await third.closed;

    expect(dropped).toBe(1);
    for (const socket of open.slice(0, 2))
      expect(await getOver(socket, '/')).toMatch(/^HTTP\/1.1 200 OK\r\n/);
  } finally {
    for (const socket of open) socket.destroy();
    await listening.close();
  }
});

test.runIf(process.platform === 'linux')(
  'maxConnections is shared between the sockets listening together',
  async () => {
    const listening = await listen({
      fetch: fetchHello,
      port: 0,
      host: '127.0.0.1',
      sockets: 4,
      maxConnections: 10,
    });
    try {
      expect(listening.servers.map((server) => server.maxConnections)).toEqual([3, 3, 3, 3]);
    } finally {
      await listening.close();
    }
  },
);
