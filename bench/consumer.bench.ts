/**
 * `npm run bench:consumer`: in one run, against real Kafka on loopback, records per second through
 *   1. raw kafkajs `eachBatch` (resolve every offset, commit after each batch): the baseline, with
 *      no decoding at all, and again decoding each value by hand with @kafkajs/confluent-schema-registry,
 *   2. the EventConsumer of @relay/kafka: Avro decode into the current schema, a no-op typed handler
 *      (retry wrapper, metrics), commit after each batch,
 *   3. the same EventConsumer in transactional mode (offsets committed in a transaction per chunk),
 * each reading the same pre-produced topic from the beginning with a group of its own. The phases
 * alternate over several rounds so that noise from the shared machine falls on all of them.
 */
import { events, exampleOf, normalise, type ValueOf } from '@relay/events';
import {
  createRegistryClient,
  EventConsumer,
  EventSerde,
  provision,
  provisionConfigFromEnv,
  SchemaRegistryAdmin,
} from '@relay/kafka';
import { Kafka, logLevel } from '@relay/kafkajs';
import { startCluster } from '@relay/testkit';
import { Registry } from 'prom-client';

const RECORDS = Number(process.env['BENCH_RECORDS'] ?? 100_000);
/** Only these phases (e.g. `library` while profiling with --cpu-prof); all by default. */
const PHASES = new Set((process.env['BENCH_PHASES'] ?? 'raw,rawDecoding,library,transactional').split(','));
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const PARTITIONS = 3;
const print = (line = '') => process.stdout.write(`${line}\n`);

const cluster = await startCluster();
const env = {
  KAFKA_BROKERS: cluster.brokers.join(','),
  SCHEMA_REGISTRY_URL: cluster.schemaRegistryUrl,
  RELAY_TOPIC_PREFIX: 'bench.',
};
const kafka = new Kafka({
  clientId: 'bench-consumer',
  brokers: [...cluster.brokers],
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();
await admin.connect();
await provision(
  { ...provisionConfigFromEnv(env), partitions: PARTITIONS },
  admin,
  new SchemaRegistryAdmin(cluster.schemaRegistryUrl),
);
await admin.disconnect();
const definition = {
  ...events.instantWin,
  topic: `bench.${events.instantWin.topic}`,
  subject: `bench.${events.instantWin.subject}`,
};
const serde = await EventSerde.resolve(
  createRegistryClient(cluster.schemaRegistryUrl),
  new SchemaRegistryAdmin(cluster.schemaRegistryUrl),
  [definition],
);

// The topic: RECORDS InstantWin events, Avro-encoded, keyed by user, produced in big batches.
const example = normalise({ source: 'adictiz', body: exampleOf(events.instantWin).body });
if (!example.ok) throw new Error(example.detail);
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
await producer.connect();
for (let start = 0; start < RECORDS; start += 5_000) {
  const messages = await Promise.all(
    Array.from({ length: Math.min(5_000, RECORDS - start) }, async (_, i) => {
      const event = {
        ...(example.event as ValueOf<typeof events.instantWin>),
        event_id: `bench-${start + i}`,
        user_id: `user-${(start + i) % 1_000}`,
      };
      return { key: event.user_id, value: serde.encode(definition, event) };
    }),
  );
  await producer.send({ topic: definition.topic, acks: -1, messages });
}
await producer.disconnect();
print(`${RECORDS} records on ${definition.topic} (${PARTITIONS} partitions)`);

/**
 * Runs a consumer until it has handled every record: records per second from the first record
 * handled to the last, so that joining the group and the library's start-up checks do not count.
 */
async function timed(run: (count: () => void) => Promise<() => Promise<void>>): Promise<number> {
  let handled = 0;
  let first = 0;
  let last = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const stop = await run(() => {
    if (handled === 0) first = performance.now();
    if (++handled === RECORDS) {
      last = performance.now();
      finish();
    }
  });
  await finished;
  await stop();
  return (RECORDS - 1) / ((last - first) / 1000);
}

let group = 0;

const registry = createRegistryClient(cluster.schemaRegistryUrl);

async function rawEachBatch(decode: boolean): Promise<number> {
  return timed(async (count) => {
    const consumer = kafka.consumer({ groupId: `bench-raw-${group++}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: definition.topic, fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset }) => {
        for (const message of batch.messages) {
          if (decode && message.value !== null) await registry.decode(message.value);
          resolveOffset(message.offset);
          count();
        }
      },
    });
    return () => consumer.disconnect();
  });
}

async function eventConsumer(transactional: boolean): Promise<number> {
  return timed(async (count) => {
    const id = `bench-library-${group++}`;
    const consumer = new EventConsumer({
      kafka,
      serde,
      groupId: id,
      maxWaitTimeMs: 100,
      metrics: new Registry(),
      ...(transactional ? { transactional: { transactionalId: id, maxRecordsPerTransaction: 1_000 } } : {}),
    }).on(definition, async () => {
      count();
    });
    await consumer.start();
    return () => consumer.stop();
  });
}

const results = {
  raw: [] as number[],
  rawDecoding: [] as number[],
  library: [] as number[],
  transactional: [] as number[],
};
for (let round = 1; round <= ROUNDS; round++) {
  if (PHASES.has('raw')) results.raw.push(await rawEachBatch(false));
  if (PHASES.has('rawDecoding')) results.rawDecoding.push(await rawEachBatch(true));
  if (PHASES.has('library')) results.library.push(await eventConsumer(false));
  if (PHASES.has('transactional')) results.transactional.push(await eventConsumer(true));
  print(
    `round ${round}: raw ${results.raw.at(-1)?.toFixed(0)} rec/s, raw decoding ${results.rawDecoding.at(-1)?.toFixed(0)} rec/s, EventConsumer ${results.library.at(-1)?.toFixed(0)} rec/s, transactional ${results.transactional.at(-1)?.toFixed(0)} rec/s`,
  );
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const raw = median(results.raw);
print();
print('| consumer (decode + no-op handler + commit) | records/s (median) | vs raw eachBatch |');
print('|---|---|---|');
print(`| raw kafkajs eachBatch (no decode) | ${raw.toFixed(0)} | 100 % |`);
print(
  `| raw kafkajs eachBatch + registry.decode by hand | ${median(results.rawDecoding).toFixed(0)} | ${((median(results.rawDecoding) / raw) * 100).toFixed(1)} % |`,
);
print(
  `| EventConsumer | ${median(results.library).toFixed(0)} | ${((median(results.library) / raw) * 100).toFixed(1)} % |`,
);
print(
  `| EventConsumer, transactional | ${median(results.transactional).toFixed(0)} | ${((median(results.transactional) / raw) * 100).toFixed(1)} % |`,
);
print();
// Each round measures the phases one after the other: their ratio within a round is less exposed
// to the shared machine's drift than the ratio of medians taken over all rounds.
const paired = (a: number[], b: number[]) => median(a.map((value, i) => value / (b[i] ?? Number.NaN)));
print(
  `EventConsumer vs raw eachBatch without decoding: ${(paired(results.library, results.raw) * 100).toFixed(1)} % (median of the rounds' ratios; target 70 %)`,
);
print(
  `EventConsumer vs raw eachBatch decoding the same records by hand: ${(paired(results.library, results.rawDecoding) * 100).toFixed(1)} % (median of the rounds' ratios)`,
);
await cluster.stop();
