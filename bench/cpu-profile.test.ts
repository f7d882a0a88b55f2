import { describe, expect, test } from 'vitest';
import { type CallFrame, type CpuProfile, timeByFunction, timeByPart } from './cpu-profile.ts';
import { requestPartOf, runtimePartOf } from './request-parts.ts';

const frame = (functionName: string, url = '', lineNumber = -1): CallFrame => ({
  functionName,
  url,
  lineNumber,
});

const REPO = 'file:///work/main';
/** A gateway's call tree as --cpu-prof writes it: a node per distinct stack, samples naming the leaf. */
const nodes = [
  { id: 1, callFrame: frame('(root)'), children: [2, 3, 4, 5, 11, 12] },
  { id: 2, callFrame: frame('(program)') },
  { id: 3, callFrame: frame('(idle)') },
  { id: 4, callFrame: frame('(garbage collector)') },
  { id: 5, callFrame: frame('parserOnIncoming', 'node:_http_server', 1165), children: [6] },
  {
    id: 6,
    callFrame: frame('responseViaCache', `${REPO}/node_modules/@hono/node-server/dist/index.mjs`, 927),
    children: [7],
  },
  {
    id: 7,
    callFrame: frame('handler', `${REPO}/services/gateway/src/routes/webhooks.ts`, 74),
    children: [8, 9],
  },
  { id: 8, callFrame: frame('parse') },
  {
    id: 9,
    callFrame: frame('send', `${REPO}/packages/kafka/src/producer/batching-producer.ts`, 81),
    children: [10],
  },
  { id: 10, callFrame: frame('writeBuffer') },
  { id: 11, callFrame: frame('runMicrotasks') },
  { id: 12, callFrame: frame('listOnTimeout', 'node:internal/timers', 580), children: [13] },
  { id: 13, callFrame: frame('now') },
];

/** Samples at 1 ms intervals from t = 1,000,000 µs, each naming the node `ids` gives in turn. */
function profileOf(ids: readonly number[]): CpuProfile {
  return { nodes, startTime: 1_000_000, samples: ids, timeDeltas: ids.map(() => 1_000) };
}
const everything = { from: 0, to: Number.MAX_SAFE_INTEGER };
const partsOf = (profile: CpuProfile, span = everything) =>
  Object.fromEntries(timeByPart(profile, span, requestPartOf, runtimePartOf).entries);

describe('time by part', () => {
  test('a native leaf is charged to the nearest frame of the program above it', () => {
    expect(partsOf(profileOf([10, 10, 8]))).toEqual({
      'Kafka client: batching, protocol': 2_000,
      'gateway: routes, middleware, answers': 1_000,
    });
  });

  test('a frame of a dependency names its part when nothing of the program is nearer the leaf', () => {
    expect(partsOf(profileOf([6]))).toEqual({ 'HTTP: hono, @hono/node-server': 1_000 });
  });

  test('samples no frame of the program names go to the runtime part their stack says', () => {
    expect(partsOf(profileOf([4, 11, 13, 5, 2]))).toEqual({
      'garbage collection (this thread)': 1_000,
      'promise jobs': 1_000,
      'Node.js: HTTP parsing, sockets, timers': 2_000,
      'V8 and native code, unattributed': 1_000,
    });
  });

  test('idle samples count as sampled, not as busy', () => {
    const breakdown = timeByPart(profileOf([3, 3, 3, 10]), everything, requestPartOf, runtimePartOf);
    expect({ busy: breakdown.busy, sampled: breakdown.sampled, entries: breakdown.entries }).toEqual({
      busy: 1_000,
      sampled: 4_000,
      entries: [['Kafka client: batching, protocol', 1_000]],
    });
  });

  test('only the samples taken within the span count', () => {
    // Samples at 1,001,000 … 1,004,000 µs: the span keeps the second and third.
    expect(partsOf(profileOf([10, 8, 8, 10]), { from: 1_002_000, to: 1_003_000 })).toEqual({
      'gateway: routes, middleware, answers': 2_000,
    });
  });

  test('parts come largest first', () => {
    const { entries } = timeByPart(profileOf([8, 10, 10, 4, 10]), everything, requestPartOf, runtimePartOf);
    expect(entries.map(([part]) => part)).toEqual([
      'Kafka client: batching, protocol',
      'gateway: routes, middleware, answers',
      'garbage collection (this thread)',
    ]);
  });
});

describe('time by function', () => {
  test('self time per function, named by its path in the workspace or dependency and its line', () => {
    const { entries, busy } = timeByFunction(profileOf([7, 7, 6, 3]), everything);
    expect({ entries, busy }).toEqual({
      entries: [
        ['handler services/gateway/src/routes/webhooks.ts:75', 2_000],
        ['responseViaCache @hono/node-server/dist/index.mjs:928', 1_000],
      ],
      busy: 3_000,
    });
  });
});
