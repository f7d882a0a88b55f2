import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface OpenLoopOptions {
  /** Loopback only (127.0.0.1 or [::1]); the sender refuses any other. */
  readonly url: string;
  /** Requests per second, evenly spaced. */
  readonly rate: number;
  readonly seconds: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The body of every request, each `{{seq}}` in it replaced by the request's sequence number. */
  readonly bodyTemplate: string;
  /** At most this many requests in flight, one per connection: a request due while all are busy is not sent. */
  readonly connections: number;
  readonly timeoutMs?: number;
}

export interface OpenLoopResult {
  readonly sent: number;
  /** Percentiles over every due request, those not sent or not answered counting as slower than any answer (ms). */
  readonly p50: number;
  readonly p99: number;
  /** The slowest answer from its due time (ms). */
  readonly max: number;
  readonly statuses: Readonly<Record<number, number>>;
  readonly errors: number;
  /** How the failed requests failed, e.g. `connection reset by peer: 3`. */
  readonly errorCodes: Readonly<Record<string, number>>;
  /** Due while every connection was busy: a sender would have had to try again later (in p50/p99 as slowest). */
  readonly skipped: number;
  /** How late the sender itself sent the latest request (ms): a busy sender inflates the latencies. */
  readonly maxSendLag: number;
  /** The slowest answer counted from when its request was actually sent (ms). */
  readonly maxFromSend: number;
}

const SOURCE = fileURLToPath(new URL('./open-loop/main.go', import.meta.url));

/**
 * The sender (open-loop/main.go), built once per version of its source into the relay's cache.
 * A Go sender, not this process: a Node sender's own event-loop pauses were counted as latency
 * (at 1,900 req/s it put the no-op server's p99 at 14-19 ms, where the Go sender measures 3 ms).
 */
export async function sender(): Promise<string> {
  const version = createHash('sha256').update(readFileSync(SOURCE)).digest('hex').slice(0, 12);
  const dir = join(process.env['RELAY_CACHE_DIR'] ?? join(homedir(), '.cache', 'relay'), 'bench');
  const binary = join(dir, `open-loop-${version}`);
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    try {
      await run('go', ['build', '-o', binary, SOURCE], { timeout: 300_000 });
    } catch (error) {
      throw new Error(`building the open-loop sender needs Go (npm run setup:infra installs it): ${error}`, {
        cause: error,
      });
    }
  }
  return binary;
}

/** Unanswered percentiles come as -1 (JSON has no infinity). */
const orInfinity = (ms: number) => (ms < 0 ? Number.POSITIVE_INFINITY : ms);

/**
 * Offers a constant load: a POST every 1/rate seconds, whether or not earlier ones were answered
 * (open loop, over at most `connections` keep-alive connections; when all are busy the request is
 * counted as skipped, not queued, and as slower than any answer in the percentiles), each latency
 * counted from the moment the request was due. autocannon's `overallRate` cannot do this: it gives
 * each connection a quota per second, which the connections spend at full speed as each second
 * starts, so "half the load" is full load for half of every second.
 */
export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const { stdout } = await run(
    await sender(),
    [
      `-url=${options.url}`,
      `-rate=${options.rate}`,
      `-seconds=${options.seconds}`,
      `-connections=${options.connections}`,
      `-timeout=${timeoutMs}ms`,
      `-body=${options.bodyTemplate}`,
      ...Object.entries(options.headers).map(([name, value]) => `-header=${name}: ${value}`),
    ],
    { timeout: (options.seconds + 60) * 1000 + timeoutMs, maxBuffer: 1 << 20 },
  );
  const result = JSON.parse(stdout) as Omit<OpenLoopResult, 'statuses'> & {
    statuses: Record<string, number>;
  };
  return {
    ...result,
    p50: orInfinity(result.p50),
    p99: orInfinity(result.p99),
    max: orInfinity(result.max),
    statuses: Object.fromEntries(Object.entries(result.statuses).map(([status, n]) => [Number(status), n])),
  };
}
