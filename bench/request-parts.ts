import type { CallFrame } from './cpu-profile.ts';

/**
 * The parts a webhook's CPU time is reported in, by where their code lives (the first that matches
 * wins): what a change to one module or one dependency could gain at most.
 */
const PARTS: readonly (readonly [where: RegExp, part: string])[] = [
  [/\/services\/gateway\/src\/publish\//, 'gateway: duplicate window, deadlines'],
  [/\/services\/gateway\/src\//, 'gateway: routes, middleware, answers'],
  [/\/packages\/events\/src\//, 'events: JSON, validation, normalising, headers'],
  [/\/packages\/kafka\/src\/serde\/|\/node_modules\/avsc\//, 'Avro encoding'],
  [/\/packages\/kafka\/src\/producer\/|\/node_modules\/@platformatic\//, 'Kafka client: batching, protocol'],
  [/\/node_modules\/(hono|@hono\/node-server)\//, 'HTTP: hono, @hono/node-server'],
  [/\/node_modules\/prom-client\//, 'metrics: prom-client'],
  [/\/node_modules\/pino/, 'logs: pino'],
  [/\/bench\/noop-server\.ts$/, 'the no-op handler'],
  [/\/node_modules\//, 'other dependencies'],
];

export const requestPartOf = (frame: CallFrame): string | undefined =>
  PARTS.find(([where]) => where.test(frame.url))?.[1];

/** For a sample that no frame of the program's own names, from its stack (leaf first): V8's and Node's own work. */
export function runtimePartOf(stack: readonly CallFrame[]): string {
  const leaf = stack[0];
  if (leaf?.functionName === '(garbage collector)') return 'garbage collection (this thread)';
  if (leaf?.functionName === 'runMicrotasks') return 'promise jobs';
  if (stack.some((frame) => frame.url.startsWith('node:'))) return 'Node.js: HTTP parsing, sockets, timers';
  return 'V8 and native code, unattributed';
}
