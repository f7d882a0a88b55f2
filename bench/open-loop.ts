import { Agent, request } from 'node:http';
import { createHistogram } from 'node:perf_hooks';

/** What a request not sent, or not answered, counts as in the percentiles: longer than any timeout. */
const UNANSWERED_MICROS = 600_000_000;

export interface OpenLoopOptions {
  readonly url: string;
  /** Requests per second, evenly spaced. */
  readonly rate: number;
  readonly seconds: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: () => string;
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
  /** How the failed requests failed, e.g. `ECONNRESET: 3`. */
  readonly errorCodes: Readonly<Record<string, number>>;
  /** Due while every connection was busy: a sender would have had to try again later (in p50/p99 as slowest). */
  readonly skipped: number;
  /** How late this process itself sent the latest request (ms): a busy sender inflates the latencies. */
  readonly maxSendLag: number;
  /** The slowest answer counted from when its request was actually sent (ms). */
  readonly maxFromSend: number;
}

/**
 * Offers a constant load: a POST every 1/rate seconds, whether or not earlier ones were answered
 * (open loop, over at most `connections` keep-alive connections; when all are busy the request is
 * counted as skipped, not queued, and as slower than any answer in the percentiles), each latency
 * counted from the moment the request was due. autocannon's `overallRate` cannot
 * do this: it gives each connection a quota per second, which the connections spend at full
 * speed as each second starts, so "half the load" is full load for half of every second.
 */
export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const latencyMicros = createHistogram({ lowest: 1, highest: UNANSWERED_MICROS, figures: 3 });
  let max = 0;
  const statuses: Record<number, number> = {};
  let errors = 0;
  const errorCodes: Record<string, number> = {};
  let skipped = 0;
  let inFlight = 0;
  let maxSendLag = 0;
  let maxFromSend = 0;
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const answers: Promise<void>[] = [];

  const send = (due: number) =>
    new Promise<void>((answered) => {
      inFlight += 1;
      const resolve = () => {
        inFlight -= 1;
        answered();
      };
      const body = options.body();
      const sentAt = performance.now();
      maxSendLag = Math.max(maxSendLag, sentAt - due);
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { ...options.headers, 'content-length': String(Buffer.byteLength(body)) },
          timeout: options.timeoutMs ?? 10_000,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const now = performance.now();
            latencyMicros.record(Math.max(1, Math.round((now - due) * 1000)));
            max = Math.max(max, now - due);
            maxFromSend = Math.max(maxFromSend, now - sentAt);
            const status = res.statusCode ?? 0;
            statuses[status] = (statuses[status] ?? 0) + 1;
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (error: NodeJS.ErrnoException) => {
        errors += 1;
        latencyMicros.record(UNANSWERED_MICROS);
        const code = error.code ?? error.message;
        errorCodes[code] = (errorCodes[code] ?? 0) + 1;
        resolve();
      });
      req.end(body);
    });

  const start = performance.now();
  let sent = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        const due = start + interval * sent++;
        if (inFlight < options.connections) answers.push(send(due));
        else {
          skipped += 1;
          // Counted as slower than any answer: leaving it out would drop the worst moments from the percentiles.
          latencyMicros.record(UNANSWERED_MICROS);
        }
      }
      if (sent === total) done();
      else setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    tick();
  });
  await Promise.all(answers);
  agent.destroy();
  const percentile = (p: number) => {
    const micros = latencyMicros.percentile(p);
    return micros >= UNANSWERED_MICROS ? Number.POSITIVE_INFINITY : micros / 1000;
  };
  return {
    sent,
    p50: percentile(50),
    p99: percentile(99),
    max,
    statuses,
    errors,
    errorCodes,
    skipped,
    maxSendLag,
    maxFromSend,
  };
}
