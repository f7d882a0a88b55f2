import { readFileSync } from 'node:fs';

export interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

/** A V8 CPU profile as `--cpu-prof` writes it. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: CallFrame;
    readonly children?: readonly number[];
  }[];
  /** Microseconds on the monotonic clock that `process.hrtime` reads in any process of this machine. */
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** A span of the monotonic clock in microseconds, as `monotonicMicros()` reads it. */
export interface Span {
  readonly from: number;
  readonly to: number;
}

export const monotonicMicros = (): number => Number(process.hrtime.bigint() / 1000n);

export function readCpuProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

/**
 * The sampled time of each profile node within `span`: only the measured phase counts, not the
 * process's start-up (module loading, schema compilation) nor its warm-up.
 */
function timeByNode(profile: CpuProfile, span: Span): Map<number, number> {
  const time = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    at += delta;
    if (at >= span.from && at <= span.to) time.set(id, (time.get(id) ?? 0) + delta);
  });
  return time;
}

const IDLE = '(idle)';

/** A thread's busy time in a span, by function (self time) or by part (see `timeByPart`). */
export interface Breakdown {
  /** Microseconds sampled busy, the thread's idle samples left out. */
  readonly busy: number;
  /** Microseconds sampled in all. */
  readonly sampled: number;
  /** Each name's microseconds, largest first. */
  readonly entries: readonly (readonly [name: string, micros: number])[];
}

function breakdown(profile: CpuProfile, span: Span, nameOf: (id: number) => string): Breakdown {
  const byName = new Map<string, number>();
  let sampled = 0;
  let idle = 0;
  for (const [id, micros] of timeByNode(profile, span)) {
    sampled += micros;
    const name = nameOf(id);
    if (name === IDLE) idle += micros;
    else byName.set(name, (byName.get(name) ?? 0) + micros);
  }
  return { busy: sampled - idle, sampled, entries: [...byName].sort((a, b) => b[1] - a[1]) };
}

/** Self time by function, named `function path:line` (paths from the package or workspace folder on). */
export function timeByFunction(profile: CpuProfile, span: Span): Breakdown {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  return breakdown(profile, span, (id) => {
    const frame = nodes.get(id);
    if (frame === undefined) return '(unknown)';
    if (frame.functionName === IDLE) return IDLE;
    const where = frame.url
      .replace(/^.*node_modules\//, '')
      .replace(/^file:\/\/.*?\/(bench|packages|services|stack)\//, '$1/');
    return `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
  });
}

/**
 * Each sample's time charged to a part of the program: the first frame from the sampled function up
 * its callers that `partOf` names. A leaf in Node's or V8's own code (a socket write, JSON.parse, a
 * Buffer copy) is thereby charged to the code that called it; a sample no frame names is charged to
 * what `fallback` makes of its stack, from the leaf to the root (garbage collection, promise jobs).
 */
export function timeByPart(
  profile: CpuProfile,
  span: Span,
  partOf: (frame: CallFrame) => string | undefined,
  fallback: (stack: readonly CallFrame[]) => string,
): Breakdown {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const stackOf = (id: number): CallFrame[] => {
    const stack: CallFrame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = nodes.get(at)?.callFrame;
      if (frame !== undefined) stack.push(frame);
    }
    return stack;
  };
  const memo = new Map<number, string>();
  const partOfNode = (id: number): string | undefined => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const node = nodes.get(id);
    if (node === undefined) return undefined;
    const parent = parentOf.get(id);
    const part = partOf(node.callFrame) ?? (parent === undefined ? undefined : partOfNode(parent));
    if (part !== undefined) memo.set(id, part);
    return part;
  };
  return breakdown(profile, span, (id) => {
    const leaf = nodes.get(id)?.callFrame;
    if (leaf === undefined) return '(unknown)';
    if (leaf.functionName === IDLE) return IDLE;
    return partOfNode(id) ?? fallback(stackOf(id));
  });
}
