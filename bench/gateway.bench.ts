/**
 * `npm run bench`: in one run, against real Kafka on loopback,
 *   1. a no-op Hono server answering 202 (the ceiling of HTTP on this machine),
 *   2. the gateway (validate, normalise, Avro-encode, publish acks=all, answer 202),
 *   3. raw kafkajs, and raw @platformatic/kafka (the gateway's client, without its batching), producing
 *      the same pre-encoded records (one send per record, and batched; run first, so that the broker
 *      is warm for the others),
 * 1 and 2 with 200 closed-loop connections (autocannon; CONNECTIONS says why so many), alternating over
 * BENCH_ROUNDS rounds (5) with a publish-only server (publish-only-server.ts: HTTP and the gateway's
 * durable write, nothing else), each phase against the mean of the no-op phases around it, the
 * throughput ratio being the median of the rounds' ratios, then one round at 50 connections, every
 * phase saying where the machine's CPU went (the server, its HTTP thread, the load generator, the rest:
 * the broker mostly); two gateway instances sharing those connections against
 * one, in BENCH_INSTANCE_PAIRS pairs (2); then, at an even rate (open-loop.ts, a Go sender), the gateway
 * offered half its throughput in BENCH_HALF_PHASES phases (3; p99, the median phase's the figure, each
 * between two phases of the no-op server offered the same, as the floor); the gateway against itself
 * with the settings of BENCH_VARIANT (PRODUCER_THREAD=true: its Kafka client on a thread of its own), in
 * BENCH_PAIRS pairs (3) of a half-load and a closed-loop phase each; the gateway offered twice its
 * throughput (RSS and 503s), then from 2,000 connections (twice MAX_CONNECTIONS); and where a request's
 * CPU time goes, by part of the program (--cpu-prof, on a gateway and a no-op server of their own after
 * the measured phases, see request-parts.ts). Bounded: each phase runs a fixed number of seconds, to
 * 127.0.0.1 only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProduceAcks, Producer } from '@platformatic/kafka';
import { definitions, events, exampleOf, normalise } from '@relay/events';
import {
  createRegistryClient,
  EventSerde,
  provision,
  provisionConfigFromEnv,
  SchemaRegistryAdmin,
} from '@relay/kafka';
import { Kafka, logLevel } from '@relay/kafkajs';
import { startCluster } from '@relay/testkit';
import autocannon from 'autocannon';
import getPort from 'get-port';
import {
  type Breakdown,
  monotonicMicros,
  readCpuProfile,
  timeByFunction,
  timeByPart,
} from './cpu-profile.ts';
import { openLoop, sender } from './open-loop.ts';
import { requestPartOf, runtimePartOf } from './request-parts.ts';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
/**
 * Closed-loop connections: enough that each server is measured at its throughput, busy rather than
 * waiting. A webhook the gateway accepts waits for Kafka's acknowledgement (acks=all, after the linger),
 * which the no-op server's answer does not: at 50 connections the publish-only server (below), which
 * does nothing but that write, made only a third of the no-op server's rate, its HTTP thread idle half
 * the time, so the loop measured the write's round trip, not the server. At 200 it made two thirds;
 * the no-op server is saturated at either. The benchmark still prints a round at FEW_CONNECTIONS.
 */
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 200);
const FEW_CONNECTIONS = 50;
/**
 * Open-loop senders open connections as they need them, up to this: at twice the load enough that the
 * gateway's in-flight bound, not the client, refuses the excess; at half the load enough that a slow
 * moment shows as latency rather than as requests not sent.
 */
const OPEN_LOOP_CONNECTIONS = 600;
/**
 * Then twice the load again from twice as many connections as the gateway serves (MAX_CONNECTIONS,
 * 1,000 by default): the ones beyond are closed at once, and memory must stay bounded all the same.
 * Unbounded, 2,000 connections took the heap past its 192 MB (see docs/operations.md).
 */
const FLOOD_CONNECTIONS = 2_000;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
/**
 * A 10-s phase's p99 is its worst 1 %: on this shared machine a single scheduling stall decides it (the
 * no-op server's own p99 moved between 3 and 27 ms from one phase to the next), so the half load is
 * offered in several phases, each printed, and the median phase is the figure.
 */
const HALF_PHASES = Number(process.env['BENCH_HALF_PHASES'] ?? 3);
/**
 * The gateway against itself with other settings (environment variables, `NAME=value,NAME=value`) in
 * BENCH_PAIRS pairs, alternating which goes first: at half the load (p99) and at the full closed-loop
 * load (req/s): how a default is chosen (PRODUCER_THREAD and LINGER_MS were, so).
 */
const VARIANT = process.env['BENCH_VARIANT'] ?? 'PRODUCER_THREAD=true';
const variantEnv = Object.fromEntries(
  VARIANT.split(',').map((setting) => {
    const [name = '', ...value] = setting.split('=');
    if (!/^[A-Z_]+$/.test(name) || value.length === 0) {
      throw new Error(`BENCH_VARIANT: "${setting}" is not NAME=value`);
    }
    return [name, value.join('=')];
  }),
);
const PAIRS = Number(process.env['BENCH_PAIRS'] ?? 3);
/**
 * Two gateway instances sharing the closed loop's connections against one taking them all, in
 * BENCH_INSTANCE_PAIRS pairs (2): whether a second HTTP thread (or process) would lift the throughput on
 * this machine, or whether the machine, the broker and the load generator already take what it would use.
 */
const INSTANCE_PAIRS = Number(process.env['BENCH_INSTANCE_PAIRS'] ?? 2);
const TOKEN = 'bench-token-0123456789abcdef';
const print = (line = '') => process.stdout.write(`${line}\n`);

const cluster = await startCluster();
const env = { KAFKA_BROKERS: cluster.brokers.join(','), SCHEMA_REGISTRY_URL: cluster.schemaRegistryUrl };
const kafka = new Kafka({ clientId: 'bench', brokers: [...cluster.brokers], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
await provision(
  { ...provisionConfigFromEnv(env), partitions: 3 },
  admin,
  new SchemaRegistryAdmin(cluster.schemaRegistryUrl),
);
await admin.disconnect();

const template = JSON.parse(exampleOf(events.instantWin).body);
let sequence = 0;
const nextBody = () => JSON.stringify({ ...template, request_id: `bench-${process.pid}-${sequence++}` });
let openPhases = 0;

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} never became ready`);
}

async function startServer(script: string, extraEnv: Record<string, string>, nodeArgs: string[] = []) {
  const port = await getPort({ host: '127.0.0.1' });
  const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', ...nodeArgs, script], {
    env: { ...process.env, ...extraEnv, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url);
  return { child, url };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

interface Load {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly ok: number;
  readonly unavailable: number;
  readonly errors: number;
  /** Open loop only: due while every connection was busy, so not sent. */
  readonly skipped?: number;
  readonly errorCodes?: Readonly<Record<string, number>>;
  /** Open loop only: the slowest answer from its actual send, and how late the sender itself sent (ms). */
  readonly senderCheck?: { readonly maxFromSend: number; readonly maxSendLag: number };
  /** CPU time (user + system) the server process spent per answered request. */
  readonly cpuMicros: number;
  /** The part of it spent by the process's main thread, the one answering HTTP (the gateway's bottleneck). */
  readonly mainThreadCpuMicros: number;
  /**
   * The part of it spent in the kernel (system time: socket reads and writes, epoll). A CPU profile
   * overstates it: its socket-write frames also hold the time the thread waited to run again after a
   * write woke the reader (≈ 10 µs a request in those frames against 7 of system time in all, here).
   */
  readonly kernelCpuMicros: number;
  /** The load generator's CPU per answered request: autocannon in this process, or the open-loop sender. */
  readonly loadGeneratorCpuMicros: number;
  /** The rest of the machine's busy time per answered request: the broker and the registry, mostly. */
  readonly restCpuMicros: number;
  /** The whole machine meanwhile, in % of one CPU (see `machineCpu`). */
  readonly machine: { readonly busy: number; readonly steal: number };
}

const HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
/** /proc reports CPU time in clock ticks of 1/100 s. */
const MICROS_PER_TICK = 1_000_000 / 100;

/**
 * CPU time so far, in microseconds, from a /proc stat file: the task's own (`all`, of which `kernel` its
 * system time), and `withChildren`, that of the children it has waited for too (the open-loop sender,
 * once it has exited).
 */
function statCpuMicros(path: string): { all: number; kernel: number; withChildren: number } {
  const [, , , , , , , , , , , utime = 0, stime = 0, cutime = 0, cstime = 0] = (
    readFileSync(path, 'utf8').split(') ')[1]?.split(' ') ?? []
  ).map(Number);
  return {
    all: (utime + stime) * MICROS_PER_TICK,
    kernel: stime * MICROS_PER_TICK,
    withChildren: (utime + stime + cutime + cstime) * MICROS_PER_TICK,
  };
}

/**
 * The machine's CPU time so far from /proc/stat, in ticks: busy (user, nice, system, irq, softirq)
 * and steal, time the hypervisor gave this machine's CPUs to others. Steal and the other
 * processes' share are what a phase's latency tail cannot be blamed on the server for.
 */
function machineCpu(): { busy: number; steal: number; all: number } {
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = (
    readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? ''
  )
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = user + nice + system + irq + softirq;
  return { busy, steal, all: busy + steal + idle + iowait };
}

/**
 * Starts counting where the machine's CPU time goes; the function it returns tells, per answered request,
 * the servers' share (the processes `pids`, and their main threads, whose task id is the pid), the load
 * generator's (this process and the children it waited for) and the rest of the machine's, and how busy
 * the machine was. Which of them is near its limit says what bounds a phase: the gateway's HTTP thread,
 * the machine, or neither (then the round trips do).
 */
function cpuMeter(pids: readonly number[]) {
  const serverCpu = () => {
    let process = 0;
    let mainThread = 0;
    let kernel = 0;
    for (const pid of pids) {
      const own = statCpuMicros(`/proc/${pid}/stat`);
      process += own.all;
      kernel += own.kernel;
      mainThread += statCpuMicros(`/proc/${pid}/task/${pid}/stat`).all;
    }
    return { process, mainThread, kernel };
  };
  const loadGeneratorCpu = () => statCpuMicros('/proc/self/stat').withChildren;
  const server = serverCpu();
  const loadGenerator = loadGeneratorCpu();
  const machine = machineCpu();
  return (requests: number) => {
    const serverAfter = serverCpu();
    const loadGeneratorMicros = loadGeneratorCpu() - loadGenerator;
    const machineAfter = machineCpu();
    const perRequest = (micros: number) => micros / Math.max(1, requests);
    const serverMicros = serverAfter.process - server.process;
    const busyMicros = (machineAfter.busy - machine.busy) * MICROS_PER_TICK;
    const share = (ticks: number) =>
      (ticks / Math.max(1, machineAfter.all - machine.all)) * availableParallelism() * 100;
    return {
      cpuMicros: perRequest(serverMicros),
      mainThreadCpuMicros: perRequest(serverAfter.mainThread - server.mainThread),
      kernelCpuMicros: perRequest(serverAfter.kernel - server.kernel),
      loadGeneratorCpuMicros: perRequest(loadGeneratorMicros),
      restCpuMicros: perRequest(Math.max(0, busyMicros - serverMicros - loadGeneratorMicros)),
      machine: {
        busy: share(machineAfter.busy - machine.busy),
        steal: share(machineAfter.steal - machine.steal),
      },
    };
  };
}

interface Target {
  readonly url: string;
  readonly pid: number;
}

/**
 * Closed loop (autocannon): `connections` clients, each sending again as soon as it is answered, shared
 * evenly between the targets; p50 and p99 are the slowest target's.
 */
async function closedLoop(
  targets: readonly Target[],
  options: { seconds: number; connections: number },
): Promise<Load> {
  const meter = cpuMeter(targets.map(({ pid }) => pid));
  const results = await Promise.all(
    targets.map(({ url }) =>
      autocannon({
        url: `${url}/webhooks/adictiz`,
        method: 'POST',
        connections: Math.max(1, Math.round(options.connections / targets.length)),
        duration: options.seconds,
        headers: HEADERS,
        setupClient: (client) => {
          client.setBody(nextBody());
          client.on('response', () => client.setBody(nextBody()));
        },
      }),
    ),
  );
  const sum = (of: (result: (typeof results)[number]) => number) =>
    results.reduce((total, result) => total + of(result), 0);
  const slowest = (of: (result: (typeof results)[number]) => number) => Math.max(...results.map(of));
  const count = (result: (typeof results)[number], status: string) =>
    (result.statusCodeStats as unknown as Record<string, { count: number }>)[status]?.count ?? 0;
  return {
    rps: sum((result) => result.requests.average),
    p50: slowest((result) => result.latency.p50),
    p99: slowest((result) => result.latency.p99),
    ok: sum((result) => count(result, '202') + count(result, '200')),
    unavailable: sum((result) => count(result, '503')),
    errors: sum((result) => result.errors + result.timeouts),
    ...meter(sum((result) => result.requests.total)),
  };
}

const load = (url: string, pid: number, options: { seconds: number; connections: number }) =>
  closedLoop([{ url, pid }], options);

/** Open loop: a constant offered rate (see open-loop.ts), latency from each request's due time. */
async function offer(url: string, pid: number, rate: number, connections: number): Promise<Load> {
  const meter = cpuMeter([pid]);
  const result = await openLoop({
    url: `${url}/webhooks/adictiz`,
    rate,
    seconds: SECONDS,
    connections,
    headers: HEADERS,
    // Event ids unique across phases: the gateway would answer a repeated one as a duplicate.
    bodyTemplate: JSON.stringify({
      ...template,
      request_id: `bench-${process.pid}-open-${openPhases++}-{{seq}}`,
    }),
  });
  const answered = Object.values(result.statuses).reduce((sum, n) => sum + n, 0);
  return {
    rps: rate,
    p50: result.p50,
    p99: result.p99,
    ok: (result.statuses[202] ?? 0) + (result.statuses[200] ?? 0),
    unavailable: result.statuses[503] ?? 0,
    errors: result.errors,
    skipped: result.skipped,
    errorCodes: result.errorCodes,
    senderCheck: { maxFromSend: result.maxFromSend, maxSendLag: result.maxSendLag },
    ...meter(answered),
  };
}

/**
 * prom-client's event-loop delay histogram (Node's monitorEventLoopDelay) records the whole interval
 * between runs of its timer, this resolution included: an idle process shows a p99 of ≈ 11 ms.
 */
const LOOP_DELAY_RESOLUTION_MS = 10;

/**
 * From the gateway's /metrics: its publish latency histogram (cumulative counts by upper bound in seconds),
 * its GCs, and how late its event loop ran since the last scrape (the delay histogram, reset by each
 * scrape, less its resolution): a stalled HTTP thread shows there.
 */
async function gatewayMetrics(url: string) {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  const publishes = new Map<string, number>();
  for (const match of text.matchAll(/^relay_gateway_publish_seconds_bucket\{le="([^"]+)"[^}]*\} (\d+)$/gm)) {
    const [, bound = '', count = '0'] = match;
    publishes.set(bound, (publishes.get(bound) ?? 0) + Number(count));
  }
  const gc = (kind: 'major' | 'minor', of: 'count' | 'sum') =>
    Number(
      new RegExp(`^nodejs_gc_duration_seconds_${of}\\{kind="${kind}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0,
    );
  const loopDelayMs = (stat: 'p99' | 'max') =>
    Math.max(
      0,
      Number(new RegExp(`^nodejs_eventloop_lag_${stat}_seconds (\\S+)$`, 'm').exec(text)?.[1] ?? 0) * 1000 -
        LOOP_DELAY_RESOLUTION_MS,
    );
  return {
    publishes,
    connectionsDropped: Number(/^relay_gateway_connections_dropped_total (\S+)$/m.exec(text)?.[1] ?? 0),
    loopDelay: { p99: loopDelayMs('p99'), max: loopDelayMs('max') },
    majorGcs: gc('major', 'count'),
    majorGcSeconds: gc('major', 'sum'),
    minorGcs: gc('minor', 'count'),
    minorGcSeconds: gc('minor', 'sum'),
  };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** One InstantWin record as the gateway publishes it: key and Avro value, encoded once. */
async function preEncodedRecord() {
  const serde = await EventSerde.resolve(
    createRegistryClient(cluster.schemaRegistryUrl),
    new SchemaRegistryAdmin(cluster.schemaRegistryUrl),
    definitions,
  );
  const result = normalise({ source: 'adictiz', body: nextBody() });
  if (!result.ok) throw new Error(result.detail);
  return {
    topic: result.definition.topic,
    key: result.key,
    value: serde.encode(result.definition, result.event),
  };
}

/** A Kafka client producing `batchSize` records per send (idempotent, acks=all), awaited. */
interface RawClient {
  connect(): Promise<(batchSize: number) => Promise<unknown>>;
  close(): Promise<void>;
}

function rawKafkajs(): RawClient {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  return {
    async connect() {
      const { topic, key, value } = await preEncodedRecord();
      await producer.connect();
      return (batchSize) =>
        producer.send({
          topic,
          acks: -1,
          messages: Array.from({ length: batchSize }, () => ({ key, value })),
        });
    },
    close: () => producer.disconnect(),
  };
}

/** The gateway's client, without its batching. */
function rawPlatformatic(): RawClient {
  const producer = new Producer({
    clientId: 'bench',
    bootstrapBrokers: [...cluster.brokers],
    idempotent: true,
    acks: ProduceAcks.ALL,
  });
  return {
    async connect() {
      const { topic, key, value } = await preEncodedRecord();
      const keyBytes = Buffer.from(key);
      return (batchSize) =>
        producer.send({
          messages: Array.from({ length: batchSize }, () => ({ topic, key: keyBytes, value })),
        });
    },
    close: () => producer.close(),
  };
}

/**
 * The client alone, same records pre-encoded: `concurrency` loops each awaiting a send of `batchSize`.
 * Besides its throughput, the CPU this process spent per send (produce request): what a batch costs the
 * thread its client runs on, the gateway's HTTP thread by default.
 */
async function rawThroughput(client: RawClient, batchSize: number, concurrency: number) {
  const send = await client.connect();
  let records = 0;
  const cpuBefore = process.cpuUsage();
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        await send(batchSize);
        records += batchSize;
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  await client.close();
  return {
    recordsPerSecond: records / SECONDS,
    cpuMicrosPerSend: (cpu.user + cpu.system) / Math.max(1, records / batchSize),
  };
}

const gatewayScript = fileURLToPath(new URL('../services/gateway/src/main.ts', import.meta.url));
const noopScript = fileURLToPath(new URL('./noop-server.ts', import.meta.url));
const publishOnlyScript = fileURLToPath(new URL('./publish-only-server.ts', import.meta.url));
const gatewayEnv = { ...env, ADICTIZ_TOKEN: TOKEN, ADICTIZ_ALLOWED_IPS: '127.0.0.1', LOG_LEVEL: 'warn' };

print(
  `Node ${process.version}, ${SECONDS} s per phase, ${CONNECTIONS} connections, Kafka ${cluster.brokers.join(',')}`,
);
// The raw clients first: besides being baselines, they warm the broker's JVM, which otherwise spends
// the gateway's phases compiling its produce path (C2 took 1.6 s of CPU in the first 8 s of the
// gateway's client on a fresh broker; a fresh broker roughly halved the gateway's figure).
const raw = [];
for (const [name, client] of Object.entries({
  kafkajs: rawKafkajs,
  '@platformatic/kafka': rawPlatformatic,
})) {
  raw.push({
    name,
    single: await rawThroughput(client(), 1, CONNECTIONS),
    batched: await rawThroughput(client(), 100, 4),
  });
}

// Built (or found in the cache) before any phase: its compilation is no phase's load-generator CPU.
await sender();
// The V8 flags of services/gateway's start script (heap limits, GC), as a deployment runs it.
const gatewayManifest = JSON.parse(
  readFileSync(fileURLToPath(new URL('../services/gateway/package.json', import.meta.url)), 'utf8'),
) as { scripts: { start: string } };
const v8Flags = (gatewayManifest.scripts.start.match(/--[a-z-]+(=\S+)?/g) ?? []).filter(
  (flag) => !flag.startsWith('--disable-warning'),
);
const noop = await startServer(noopScript, {});
const noopPid = noop.child.pid ?? 0;
const gatewayEnvBench = { ...gatewayEnv, MAX_IN_FLIGHT: '256' };
// Not profiled while compared: the profiler's sampling would be a cost the no-op server does not pay.
const gateway = await startServer(gatewayScript, gatewayEnvBench, v8Flags);
const gatewayPid = gateway.child.pid ?? 0;
print(`gateway started as services/gateway's start script does: ${v8Flags.join(' ')}`);
const publishOnly = await startServer(publishOnlyScript, gatewayEnvBench, v8Flags);
const publishOnlyPid = publishOnly.child.pid ?? 0;
// Warm-up, long enough for the broker to have compiled the path of records with CloudEvents headers.
await load(noop.url, noopPid, { seconds: 2, connections: CONNECTIONS });
await load(gateway.url, gatewayPid, { seconds: 5, connections: CONNECTIONS });
await load(publishOnly.url, publishOnlyPid, { seconds: 2, connections: CONNECTIONS });

// Both at the same concurrency, alternating, each gateway phase compared with the mean of the no-op
// phases just before and just after it, so that the shared machine's drift falls on both sides
// (the no-op alone moves by half within a minute here); the figure is the median of the rounds' ratios.
const mean = (a: number, b: number) => (a + b) / 2;
const meanOf = (a: Load, b: Load): Load => ({
  rps: mean(a.rps, b.rps),
  p50: mean(a.p50, b.p50),
  p99: mean(a.p99, b.p99),
  ok: a.ok + b.ok,
  unavailable: a.unavailable + b.unavailable,
  errors: a.errors + b.errors,
  cpuMicros: mean(a.cpuMicros, b.cpuMicros),
  mainThreadCpuMicros: mean(a.mainThreadCpuMicros, b.mainThreadCpuMicros),
  kernelCpuMicros: mean(a.kernelCpuMicros, b.kernelCpuMicros),
  loadGeneratorCpuMicros: mean(a.loadGeneratorCpuMicros, b.loadGeneratorCpuMicros),
  restCpuMicros: mean(a.restCpuMicros, b.restCpuMicros),
  machine: { busy: mean(a.machine.busy, b.machine.busy), steal: mean(a.machine.steal, b.machine.steal) },
});
const rounds: { noop: Load; gateway: Load; publishOnly: Load }[] = [];
const percentOf = (part: Load, whole: Load) => `${((part.rps / whole.rps) * 100).toFixed(1)} %`;
let noopBefore = await load(noop.url, noopPid, { seconds: SECONDS, connections: CONNECTIONS });
for (let round = 1; round <= ROUNDS; round++) {
  const gatewayRound = await load(gateway.url, gatewayPid, { seconds: SECONDS, connections: CONNECTIONS });
  const publishOnlyRound = await load(publishOnly.url, publishOnlyPid, {
    seconds: SECONDS,
    connections: CONNECTIONS,
  });
  const noopAfter = await load(noop.url, noopPid, { seconds: SECONDS, connections: CONNECTIONS });
  const noopRound = meanOf(noopBefore, noopAfter);
  noopBefore = noopAfter;
  rounds.push({ noop: noopRound, gateway: gatewayRound, publishOnly: publishOnlyRound });
  print(
    `round ${round}: no-op ${noopRound.rps.toFixed(0)} req/s, gateway ${gatewayRound.rps.toFixed(0)} req/s (${percentOf(gatewayRound, noopRound)}), publish-only ${publishOnlyRound.rps.toFixed(0)} req/s (${percentOf(publishOnlyRound, noopRound)})`,
  );
}
// The same three at FEW_CONNECTIONS, once: how far a loop of few connections is from measuring throughput.
const fewConnections = { seconds: SECONDS, connections: FEW_CONNECTIONS };
const few = {
  noop: await load(noop.url, noopPid, fewConnections),
  gateway: await load(gateway.url, gatewayPid, fewConnections),
  publishOnly: await load(publishOnly.url, publishOnlyPid, fewConnections),
};
await stop(publishOnly.child);
const byRatio = [...rounds].sort((a, b) => a.gateway.rps / a.noop.rps - b.gateway.rps / b.noop.rps);
const median = byRatio[Math.floor(byRatio.length / 2)] ?? rounds[0];
if (median === undefined) throw new Error('BENCH_ROUNDS must be at least 1');
const { noop: noopLoad, gateway: gatewayLoad, publishOnly: publishOnlyLoad } = median;

const secondInstance = await startServer(gatewayScript, gatewayEnvBench, v8Flags);
const instances = [
  { url: gateway.url, pid: gatewayPid },
  { url: secondInstance.url, pid: secondInstance.child.pid ?? 0 },
] as const;
await load(secondInstance.url, instances[1].pid, { seconds: 5, connections: CONNECTIONS });
const instancePairs: { one: Load; two: Load }[] = [];
for (let pair = 0; pair < INSTANCE_PAIRS; pair++) {
  const phase = { seconds: SECONDS, connections: CONNECTIONS };
  if (pair % 2 === 0) {
    const one = await closedLoop([instances[0]], phase);
    instancePairs.push({ one, two: await closedLoop(instances, phase) });
  } else {
    const two = await closedLoop(instances, phase);
    instancePairs.push({ one: await closedLoop([instances[0]], phase), two });
  }
}
await stop(secondInstance.child);
// The no-op server offered the same rate just before and after the gateway: the latency this machine
// and this load generator give a server that does nothing, the floor under the gateway's figure.
const halfRate = Math.round(gatewayLoad.rps / 2);
const halfPhases: {
  noopBefore: Load;
  gateway: Load;
  noopAfter: Load;
  loopDelay: { p99: number; max: number };
}[] = [];
let noopHalf = await offer(noop.url, noopPid, halfRate, OPEN_LOOP_CONNECTIONS);
// Between the first and the last half-load phase: the gateway idles through the no-op phases between.
const metricsBefore = await gatewayMetrics(gateway.url);
let metricsAfter = metricsBefore;
for (let phase = 0; phase < HALF_PHASES; phase++) {
  const gatewayHalf = await offer(gateway.url, gatewayPid, halfRate, OPEN_LOOP_CONNECTIONS);
  metricsAfter = await gatewayMetrics(gateway.url);
  const noopAfter = await offer(noop.url, noopPid, halfRate, OPEN_LOOP_CONNECTIONS);
  halfPhases.push({
    noopBefore: noopHalf,
    gateway: gatewayHalf,
    noopAfter,
    loopDelay: metricsAfter.loopDelay,
  });
  noopHalf = noopAfter;
}
await stop(noop.child);
const halfMedian = [...halfPhases].sort((a, b) => a.gateway.p99 - b.gateway.p99)[
  Math.floor(halfPhases.length / 2)
];
if (halfMedian === undefined) throw new Error('BENCH_HALF_PHASES must be at least 1');
const { noopBefore: noopHalfBefore, gateway: halfLoad, noopAfter: noopHalfAfter } = halfMedian;

const varied = await startServer(gatewayScript, { ...gatewayEnvBench, ...variantEnv }, v8Flags);
const variedPid = varied.child.pid ?? 0;
await load(varied.url, variedPid, { seconds: 5, connections: CONNECTIONS });
const pairVariants = [
  { url: gateway.url, pid: gatewayPid, half: [] as Load[], loopDelayMax: [] as number[], full: [] as Load[] },
  { url: varied.url, pid: variedPid, half: [] as Load[], loopDelayMax: [] as number[], full: [] as Load[] },
] as const;
for (let pair = 0; pair < PAIRS; pair++) {
  for (const variant of pair % 2 === 0 ? pairVariants : [...pairVariants].reverse()) {
    await gatewayMetrics(variant.url);
    variant.half.push(await offer(variant.url, variant.pid, halfRate, OPEN_LOOP_CONNECTIONS));
    variant.loopDelayMax.push((await gatewayMetrics(variant.url)).loopDelay.max);
    variant.full.push(await load(variant.url, variant.pid, { seconds: SECONDS, connections: CONNECTIONS }));
  }
}
await stop(varied.child);

/** The load `offer`ed, and the gateway's peak RSS meanwhile. */
async function offerWatchingRss(rate: number, connections: number) {
  let peak = rssMb(gatewayPid);
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(gatewayPid));
  }, 200);
  const offered = await offer(gateway.url, gatewayPid, rate, connections);
  clearInterval(sampler);
  return { offered, peakRss: Math.max(peak, rssMb(gatewayPid)) };
}
const twiceRate = Math.round(gatewayLoad.rps * 2);
const { offered: overload, peakRss } = await offerWatchingRss(twiceRate, OPEN_LOOP_CONNECTIONS);
const droppedBefore = (await gatewayMetrics(gateway.url)).connectionsDropped;
const { offered: flood, peakRss: floodPeakRss } = await offerWatchingRss(twiceRate, FLOOD_CONNECTIONS);
const dropped = (await gatewayMetrics(gateway.url)).connectionsDropped - droppedBefore;
await stop(gateway.child);

// Where the time goes: a gateway of its own, then a no-op server, under the same closed-loop load with
// the profiler on; only the samples of the measured phase count.
async function profiled(script: string, extraEnv: Record<string, string>, nodeArgs: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'relay-profile-'));
  const server = await startServer(script, extraEnv, [...nodeArgs, '--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const pid = server.child.pid ?? 0;
  await load(server.url, pid, { seconds: 2, connections: CONNECTIONS });
  const from = monotonicMicros();
  const measured = await load(server.url, pid, { seconds: SECONDS, connections: CONNECTIONS });
  const span = { from, to: monotonicMicros() };
  await stop(server.child);
  // One profile per thread, named CPU.<date>.<time>.<pid>.<thread id>.<sequence>.cpuprofile; thread 0 is the main one.
  const threadOf = (file: string) => Number(file.split('.').at(-3));
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.cpuprofile'))
    .sort((a, b) => threadOf(a) - threadOf(b))
    .map((file) => ({ thread: threadOf(file), path: join(dir, file) }));
  return { load: measured, span, files };
}
const gatewayProfile = await profiled(gatewayScript, gatewayEnvBench, v8Flags);
const noopProfile = await profiled(noopScript, {}, []);
await cluster.stop();

const row = (name: string, l: Load) =>
  `${name.padEnd(38)} ${l.rps.toFixed(0).padStart(7)} ${l.p50.toFixed(1).padStart(7)} ${l.p99.toFixed(1).padStart(7)} ${l.cpuMicros.toFixed(0).padStart(10)} ${l.mainThreadCpuMicros.toFixed(0).padStart(10)} ${l.loadGeneratorCpuMicros.toFixed(0).padStart(9)} ${l.restCpuMicros.toFixed(0).padStart(6)} ${l.machine.busy.toFixed(0).padStart(9)}   ok ${l.ok}, 503 ${l.unavailable}, errors ${l.errors}${l.errors > 0 && l.errorCodes !== undefined ? ` ${JSON.stringify(l.errorCodes)}` : ''}${l.skipped === undefined ? '' : `, not sent (all connections busy) ${l.skipped}`}`;
/** The share of a phase the servers' main threads were busy, in % of one CPU. */
const mainThreadBusy = (l: Load) => (l.mainThreadCpuMicros * l.rps) / 10_000;
print();
print(
  `the median round of ${ROUNDS} (no-op: mean of the phases before and after the gateway's), then the gateway at an even rate:`,
);
print(
  `${'HTTP'.padEnd(38)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'CPU µs/req'.padStart(10)} ${'main thr.'.padStart(10)} ${'load gen.'.padStart(9)} ${'rest'.padStart(6)} ${'machine %'.padStart(9)}`,
);
print(row(`no-op Hono server, ${CONNECTIONS} connections`, noopLoad));
print(row(`gateway, ${CONNECTIONS} connections`, gatewayLoad));
print(row(`publish-only server, ${CONNECTIONS} connections`, publishOnlyLoad));
print(row(`no-op Hono server, ${FEW_CONNECTIONS} connections`, few.noop));
print(row(`gateway, ${FEW_CONNECTIONS} connections`, few.gateway));
print(row(`publish-only server, ${FEW_CONNECTIONS} connections`, few.publishOnly));
print(row(`no-op offered half that, evenly (before)`, noopHalfBefore));
print(row(`gateway offered half that (median phase)`, halfLoad));
print(row(`no-op offered half that, evenly (after)`, noopHalfAfter));
print(row(`gateway offered twice, evenly, ≤${OPEN_LOOP_CONNECTIONS} conn.`, overload));
print(row(`gateway offered twice, ≤${FLOOD_CONNECTIONS} conn.`, flood));
instancePairs.forEach(({ one, two }, i) => {
  print(row(`gateway, ${CONNECTIONS} conn. (instance pair ${i + 1})`, one));
  print(row(`2 gateways, ${CONNECTIONS / 2} conn. each (pair ${i + 1})`, two));
});
print(
  `(CPU µs/req: the server processes', of which their main threads'; the load generator's; the rest of the machine's, the broker's mostly; machine %: busy, of ${availableParallelism() * 100} %)`,
);
print();
for (const [name, l] of [
  ['half (no-op before)', noopHalfBefore],
  ['half', halfLoad],
  ['half (no-op after)', noopHalfAfter],
  ['twice', overload],
] as const) {
  print(
    `at ${name} the load: slowest answer ${l.senderCheck?.maxFromSend.toFixed(0)} ms from its send; the sender was at most ${l.senderCheck?.maxSendLag.toFixed(0)} ms late; the machine ${l.machine.busy.toFixed(0)} % busy of ${availableParallelism() * 100} %, ${l.machine.steal.toFixed(0)} % stolen by the hypervisor`,
  );
}
for (const { name, single, batched } of raw) {
  print(
    `raw ${name}, 1 record per send x${CONNECTIONS}: ${single.recordsPerSecond.toFixed(0)} records/s, ${single.cpuMicrosPerSend.toFixed(0)} µs of CPU per send`,
  );
  print(
    `raw ${name}, 100 records per send x4:  ${batched.recordsPerSecond.toFixed(0)} records/s, ${batched.cpuMicrosPerSend.toFixed(0)} µs of CPU per send`,
  );
}
print();
print(
  `gateway / no-op Hono throughput: ${percentOf(gatewayLoad, noopLoad)} (median of ${ROUNDS} rounds' ratios, ${CONNECTIONS} connections; target >= 40 %)`,
);
print(
  `  gateway / publish-only server: ${percentOf(gatewayLoad, publishOnlyLoad)} (what validating, normalising, encoding and deduplicating leave of HTTP with a durable write); publish-only / no-op: ${percentOf(publishOnlyLoad, noopLoad)}`,
);
print(
  `  at ${FEW_CONNECTIONS} connections, one round: gateway / no-op ${percentOf(few.gateway, few.noop)}, publish-only / no-op ${percentOf(few.publishOnly, few.noop)} (their HTTP threads busy ${mainThreadBusy(few.gateway).toFixed(0)} and ${mainThreadBusy(few.publishOnly).toFixed(0)} % of the time; see CONNECTIONS)`,
);
for (const { name, single } of raw) {
  print(
    `gateway / raw ${name} single sends: ${((gatewayLoad.rps / single.recordsPerSecond) * 100).toFixed(1)} %`,
  );
}
print(
  `  in the median round the gateway's HTTP thread was busy ${mainThreadBusy(gatewayLoad).toFixed(0)} % of the time and the machine ${gatewayLoad.machine.busy.toFixed(0)} % of ${availableParallelism() * 100} % (the no-op server's thread ${mainThreadBusy(noopLoad).toFixed(0)} %, the machine ${noopLoad.machine.busy.toFixed(0)} %); of the gateway's ${gatewayLoad.cpuMicros.toFixed(0)} µs of CPU per request ${gatewayLoad.kernelCpuMicros.toFixed(0)} were the kernel's (the no-op server's: ${noopLoad.kernelCpuMicros.toFixed(0)} of ${noopLoad.cpuMicros.toFixed(0)})`,
);
// What no batching or linger setting can pass: one HTTP thread busy all the time at the CPU a request costs it.
print(
  `  the HTTP thread's ceiling at ${gatewayLoad.mainThreadCpuMicros.toFixed(0)} µs per request, busy 100 %: ${(1_000_000 / gatewayLoad.mainThreadCpuMicros).toFixed(0)} req/s, ${((1_000_000 / gatewayLoad.mainThreadCpuMicros / noopLoad.rps) * 100).toFixed(1)} % of the no-op server; 40 % of it needs ≤ ${(1_000_000 / (0.4 * noopLoad.rps)).toFixed(0)} µs`,
);
print(
  `  two gateway instances against one, ${INSTANCE_PAIRS} pairs: ${instancePairs.map(({ one, two }) => `${two.rps.toFixed(0)} vs ${one.rps.toFixed(0)} req/s`).join(', ')} (two higher in ${instancePairs.filter(({ one, two }) => two.rps > one.rps).length} of ${INSTANCE_PAIRS})`,
);
print(
  `gateway p99 at half load: ${halfLoad.p99.toFixed(1)} ms (the median of ${halfPhases.length} phases; target < 25 ms; from each request's due time, a request not sent or not answered counting as slowest); the no-op server at the same rate: ${noopHalfBefore.p99.toFixed(1)} ms before, ${noopHalfAfter.p99.toFixed(1)} ms after`,
);
halfPhases.forEach(({ noopBefore, gateway: phase, noopAfter, loopDelay }, index) => {
  print(
    `  half-load phase ${index + 1}: gateway p99 ${phase.p99.toFixed(1)} ms (p50 ${phase.p50.toFixed(1)}, ${phase.cpuMicros.toFixed(0)} µs/req of which ${phase.mainThreadCpuMicros.toFixed(0)} on the main thread, its event loop late by ${loopDelay.p99.toFixed(1)} ms at p99 and ${loopDelay.max.toFixed(1)} at most, machine ${phase.machine.busy.toFixed(0)} % busy, ${phase.machine.steal.toFixed(0)} % stolen); no-op p99 ${noopBefore.p99.toFixed(1)} before, ${noopAfter.p99.toFixed(1)} after`,
  );
});
print(
  `  phases under 25 ms: ${halfPhases.filter(({ gateway: phase }) => phase.p99 < 25).length} of ${halfPhases.length}`,
);
{
  const during = (bound: string) =>
    (metricsAfter.publishes.get(bound) ?? 0) - (metricsBefore.publishes.get(bound) ?? 0);
  const all = during('+Inf');
  print(
    `  of which waiting for Kafka (publish latency, from the gateway's histogram, all half-load phases): ${all - during('0.025')} of ${all} publishes took over 25 ms, ${all - during('0.01')} over 10 ms`,
  );
  const gcs = (kind: 'major' | 'minor') =>
    `${metricsAfter[`${kind}Gcs`] - metricsBefore[`${kind}Gcs`]} ${kind} (${((metricsAfter[`${kind}GcSeconds`] - metricsBefore[`${kind}GcSeconds`]) * 1000).toFixed(0)} ms)`;
  print(`  the gateway's garbage collections meanwhile: ${gcs('major')}, ${gcs('minor')}`);
}
{
  const [without, variant] = pairVariants;
  const medianOf = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  print(
    `the gateway with ${VARIANT} against without (the defaults), ${PAIRS} pairs, alternating which went first:`,
  );
  variant.half.forEach((half, i) => {
    const other = without.half[i] as Load;
    const full = variant.full[i] as Load;
    const otherFull = without.full[i] as Load;
    print(
      `  pair ${i + 1}: at ${halfRate} req/s p99 ${half.p99.toFixed(1)} vs ${other.p99.toFixed(1)} ms, event loop late by at most ${variant.loopDelayMax[i]?.toFixed(1)} vs ${without.loopDelayMax[i]?.toFixed(1)} ms, CPU µs/req on the main thread ${half.mainThreadCpuMicros.toFixed(0)} vs ${other.mainThreadCpuMicros.toFixed(0)} (the process ${half.cpuMicros.toFixed(0)} vs ${other.cpuMicros.toFixed(0)}); closed loop ${full.rps.toFixed(0)} vs ${otherFull.rps.toFixed(0)} req/s`,
    );
  });
  const lowerP99 = variant.half.filter((half, i) => half.p99 < (without.half[i] as Load).p99).length;
  const higherRps = variant.full.filter((full, i) => full.rps > (without.full[i] as Load).rps).length;
  print(
    `  medians: half-load p99 ${medianOf(variant.half.map((l) => l.p99)).toFixed(1)} vs ${medianOf(without.half.map((l) => l.p99)).toFixed(1)} ms (lower with ${VARIANT} in ${lowerP99} of ${PAIRS} pairs); closed loop ${medianOf(variant.full.map((l) => l.rps)).toFixed(0)} vs ${medianOf(without.full.map((l) => l.rps)).toFixed(0)} req/s (higher in ${higherRps} of ${PAIRS})`,
  );
}
print(
  `gateway peak RSS at twice the load: ${peakRss.toFixed(0)} MB (target < 300 MB), 503s: ${overload.unavailable}`,
);
print(
  `  from ${FLOOD_CONNECTIONS} connections: peak RSS ${floodPeakRss.toFixed(0)} MB, 503s: ${flood.unavailable}, connections closed at once (beyond MAX_CONNECTIONS): ${dropped}`,
);

const mainThreadParts = (run: typeof gatewayProfile) => {
  const main = run.files.find(({ thread }) => thread === 0);
  if (main === undefined) throw new Error(`no main-thread profile among ${run.files.map((f) => f.path)}`);
  return timeByPart(readCpuProfile(main.path), run.span, requestPartOf, runtimePartOf);
};
const gatewayParts = mainThreadParts(gatewayProfile);
const noopParts = mainThreadParts(noopProfile);
print();
print(
  `Where a request's CPU time goes on the HTTP thread, by part (--cpu-prof, each server profiled on its own under the closed loop: the gateway at ${gatewayProfile.load.rps.toFixed(0)} req/s, the no-op server at ${noopProfile.load.rps.toFixed(0)}; a part's share of the thread's busy samples, and that share of the thread's unprofiled CPU per request, ${gatewayLoad.mainThreadCpuMicros.toFixed(0)} and ${noopLoad.mainThreadCpuMicros.toFixed(0)} µs, in the median round above):`,
);
print(`  ${'part'.padEnd(48)} ${'gateway'.padStart(16)} ${'no-op server'.padStart(16)}`);
const share = (parts: Breakdown, part: string) =>
  (parts.entries.find(([name]) => name === part)?.[1] ?? 0) / Math.max(1, parts.busy);
const cell = (fraction: number, micros: number) =>
  `${(fraction * 100).toFixed(1).padStart(5)} % ${(fraction * micros).toFixed(1).padStart(5)} µs`;
for (const part of new Set([...gatewayParts.entries, ...noopParts.entries].map(([name]) => name))) {
  print(
    `  ${part.padEnd(48)} ${cell(share(gatewayParts, part), gatewayLoad.mainThreadCpuMicros).padStart(16)} ${cell(share(noopParts, part), noopLoad.mainThreadCpuMicros).padStart(16)}`,
  );
}
print(
  `  (the thread was sampled busy ${((gatewayParts.busy / gatewayParts.sampled) * 100).toFixed(0)} % and ${((noopParts.busy / noopParts.sampled) * 100).toFixed(0)} % of the phase; a part is the first frame from the sampled function up that is the program's own or a dependency's, so a socket write is charged to the code that made it)`,
);
for (const { thread, path } of gatewayProfile.files) {
  const name = thread === 0 ? 'main thread (HTTP)' : `thread ${thread} (the Kafka producer)`;
  const functions = timeByFunction(readCpuProfile(path), gatewayProfile.span);
  print();
  print(`The gateway's 20 functions with the most self time, ${name} (of its busy samples; ${path}):`);
  for (const [fn, micros] of functions.entries.slice(0, 20)) {
    print(`  ${((micros / Math.max(1, functions.busy)) * 100).toFixed(1).padStart(5)} %  ${fn}`);
  }
}
