import { readFileSync } from 'node:fs';

const LISTEN = '0A';

/** The TCP sockets in LISTEN state on `port`, any address, from the kernel's own tables (Linux). */
export function listeningSockets(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6']
    .flatMap((table) => readFileSync(table, 'utf8').split('\n').slice(1))
    .map((line) => line.trim().split(/\s+/))
    .filter(([, local, , state]) => local?.endsWith(`:${hexPort}`) && state === LISTEN).length;
}
