import { connect, type Socket } from 'node:net';

/**
 * A raw TCP connection to a server on 127.0.0.1, resolved once connected, with `closed` settling when
 * the server (or the test) closes it: how a test sees a connection a server refused after accepting.
 */
export function openConnection(port: number): Promise<{ socket: Socket; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const closed = new Promise<void>((settle) => socket.once('close', () => settle()));
    socket.once('error', () => {});
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('close', () => reject(new Error('closed before connecting')));
  });
}

/**
 * GET `path` over a connection already open, asking the server to close it after: the whole answer
 * as text (status line, headers, body), once the server has closed the connection.
 */
export function getOver(socket: Socket, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    socket.on('data', (data) => {
      answer += data.toString();
    });
    socket.once('close', () =>
      answer === '' ? reject(new Error('closed without an answer')) : resolve(answer),
    );
    socket.write(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n`);
  });
}
