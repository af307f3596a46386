import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DetectionEngine } from '../src/detect/index.js';
import { formatTime, type InterchangeRecord } from '../src/domain/index.js';
import { fileSource, importSource, parseRecord } from '../src/ingest/index.js';
import { Ledger, generateSignerKey } from '../src/ledger/index.js';
import { Vault } from '../src/privacy/index.js';
import { PRESETS, resolveOptions, simulate, type PresetName } from '../src/sim/index.js';
import { MIN_EMPLOYEES } from '../src/sim/presets.js';
import { SqliteStore } from '../src/store/index.js';
import { removeDb } from './ingest.js';
import { elapsed, fmtRate, median, verdict } from './stats.js';

/** Issue #5: events through all detectors, on one core. */
const FLOOR_EVENTS_PER_SECOND = 200_000;
const SEED = 1; // the CLI's default seed
const CHUNK_LINES = 4096; // as `writeSimulation` writes its files
/** The memory child holds the large stream's records (~2.6 M) and the engine at once. */
const CHILD_HEAP_MIB = 16_384;

/** A preset's stream, parsed into records in stream (ledger) order. */
interface Stream {
  records: InterchangeRecord[];
  events: number;
  employees: number;
  days: number;
  /** Bytes of NDJSON written, when the stream went to a file too. */
  bytes: number;
  /** The simulator's time and the parse's time (`parseRecord`, as the import parses). */
  simSeconds: number;
  parseSeconds: number;
}

/** One timed pass of the engine over every record. */
interface DetectRun {
  seconds: number;
  /** `engine.events`: events that went through the detectors. */
  events: number;
  alerts: number;
  risk: number;
}

interface IngestRun {
  seconds: number;
  /** Events landed by the import (`ImportReport.events`). */
  events: number;
}

/** The job of the memory child: one preset through the engine, with its heap and RSS. */
interface MemoryJob {
  preset: PresetName;
  employees?: number;
}

interface MemoryResult {
  employees: number;
  days: number;
  records: number;
  events: number;
  alerts: number;
  risk: number;
  simSeconds: number;
  parseSeconds: number;
  seconds: number;
  /** After the stream is parsed (records held, simulator gone), after a full GC; bytes. */
  parsed: { rss: number; heapUsed: number };
  /** After detection (records and engine held), after a full GC; bytes. */
  detected: { rss: number; heapUsed: number };
  /** `process.resourceUsage().maxRSS`, KiB: before the engine ran, and at the end. */
  maxRssBeforeKiB: number;
  maxRssKiB: number;
}

export interface DetectResult {
  employees: number;
  days: number;
  records: number;
  events: number;
  ingestEvents: number;
  detectRate: number;
  detectRecordRate: number;
  ingestRate: number;
  /** Median of the per-round ratios detect events/s ÷ ingest events/s. */
  ratio: number;
  large: MemoryResult[];
}

/**
 * `detect`: the detection engine over the medium preset (seed 1), in this process's main
 * thread. The stream is generated and parsed into records once, untimed; each round times
 * `engine.consume(records)` + `engine.findings()` with a fresh engine. The reference is plain
 * ingest of the same stream: the same lines in one NDJSON file, imported into a fresh SQLite
 * database through Warden's whole import (as `ingest` does). Rounds alternate their order;
 * medians, and the median of the per-round paired ratios (detect rate / ingest rate). Then the
 * large preset, once per round in a child process of its own (`--expose-gc`), for peak RSS
 * and the heap the engine holds. BENCH_SCALE shrinks the employees (days stay).
 */
export async function benchDetect(
  dir: string,
  scale: number,
  rounds: number,
  largeRounds: number,
): Promise<DetectResult> {
  const employees = scaled('medium', scale);
  const file = join(dir, 'detect-medium.ndjson');
  const stream = generate('medium', employees, file);
  const { records } = stream;
  console.log(
    `  medium (${stream.employees.toLocaleString('en-US')} employees × ${stream.days} d, seed ${SEED}): ${records.length.toLocaleString('en-US')} records (${stream.events.toLocaleString('en-US')} events, ${(stream.bytes / 1e6).toFixed(1)} MB); generated in ${stream.simSeconds.toFixed(1)} s, parsed in ${stream.parseSeconds.toFixed(1)} s (untimed)`,
  );
  const detects: DetectRun[] = [];
  const ingests: IngestRun[] = [];
  for (let r = 0; r < rounds; r++) {
    // adjacent runs, order alternated, so that the machine's drift falls on both sides
    if (r % 2 === 0) detects.push(detectRound(records));
    ingests.push(await ingestRound(join(dir, `detect-ingest-${r}.db`), file));
    if (r % 2 === 1) detects.push(detectRound(records));
    const d = detects[r]!;
    const i = ingests[r]!;
    const first = detects[0]!;
    if (d.events !== first.events || d.alerts !== first.alerts || d.risk !== first.risk)
      throw new Error(
        `detect: round ${r + 1} gave ${d.events} events, ${d.alerts} alerts, ${d.risk} scores; round 1 ${first.events}, ${first.alerts}, ${first.risk}`,
      );
    console.log(
      `  round ${r + 1}/${rounds}: detect ${d.seconds.toFixed(2)} s (events ${fmtRate(d.events / d.seconds)}, records ${fmtRate(records.length / d.seconds)}), ingest ${i.seconds.toFixed(2)} s (events ${fmtRate(i.events / i.seconds)}), ratio ${(d.events / d.seconds / (i.events / i.seconds)).toFixed(2)}`,
    );
  }
  const first = detects[0]!;
  const detectSeconds = median(detects.map((d) => d.seconds));
  const ingestSeconds = median(ingests.map((i) => i.seconds));
  const ingestEvents = ingests[0]!.events;
  const result: DetectResult = {
    employees: stream.employees,
    days: stream.days,
    records: records.length,
    events: first.events,
    ingestEvents,
    detectRate: first.events / detectSeconds,
    detectRecordRate: records.length / detectSeconds,
    ingestRate: ingestEvents / ingestSeconds,
    ratio: median(
      detects.map((d, r) => d.events / d.seconds / (ingests[r]!.events / ingests[r]!.seconds)),
    ),
    large: [],
  };
  printTable(detects, ingests, records.length);
  console.log(
    `  ${first.events.toLocaleString('en-US')} events through the detectors (import landed ${ingestEvents.toLocaleString('en-US')}); findings: ${first.risk} risk scores, ${first.alerts} alerts`,
  );
  records.length = 0; // let the medium stream go before the large child starts

  const largeEmployees = scaled('large', scale);
  for (let r = 0; r < largeRounds; r++) {
    const m = await runChild({
      preset: 'large',
      ...(largeEmployees === undefined ? {} : { employees: largeEmployees }),
    });
    result.large.push(m);
    console.log(
      `  large round ${r + 1}/${largeRounds} (${m.employees.toLocaleString('en-US')} employees × ${m.days} d, ${m.records.toLocaleString('en-US')} records, ${m.events.toLocaleString('en-US')} events; child process): detect ${m.seconds.toFixed(2)} s (events ${fmtRate(m.events / m.seconds)}, records ${fmtRate(m.records / m.seconds)}); peak RSS ${mib(m.maxRssKiB * 1024)} MiB (${mib(m.maxRssBeforeKiB * 1024)} MiB before the engine ran); after GC: parsed RSS ${mib(m.parsed.rss)} MiB / heap ${mib(m.parsed.heapUsed)} MiB, detected RSS ${mib(m.detected.rss)} MiB / heap ${mib(m.detected.heapUsed)} MiB: the engine holds ${delta(m.detected.heapUsed - m.parsed.heapUsed)} MiB heap, ${delta(m.detected.rss - m.parsed.rss)} MiB RSS`,
    );
  }

  const sized = scale === 1 ? '' : ` at BENCH_SCALE ${scale}`;
  console.log(
    `detect medium${sized}: events ${fmtRate(result.detectRate)} (records ${fmtRate(result.detectRecordRate)}), ingest events ${fmtRate(result.ingestRate)} (medians); median paired ratio detect/ingest ${result.ratio.toFixed(2)} (floor ${FLOOR_EVENTS_PER_SECOND.toLocaleString('en-US')} events/s: ${verdict(result.detectRate >= FLOOR_EVENTS_PER_SECOND)})`,
  );
  if (result.large.length > 0) {
    const l = result.large;
    console.log(
      `detect large${sized} (${l.length} run${l.length === 1 ? '' : 's'}, median): peak RSS ${mib(median(l.map((m) => m.maxRssKiB * 1024)))} MiB, engine heap ${delta(median(l.map((m) => m.detected.heapUsed - m.parsed.heapUsed)))} MiB, events ${fmtRate(median(l.map((m) => m.events / m.seconds)))}`,
    );
  }
  return result;
}

function printTable(detects: DetectRun[], ingests: IngestRun[], records: number): void {
  const rate = (n: number, s: number): string => fmtRate(n / s);
  const ratio = (r: number): number =>
    detects[r]!.events / detects[r]!.seconds / (ingests[r]!.events / ingests[r]!.seconds);
  const rows = detects.map((d, r) => [
    String(r + 1),
    rate(d.events, d.seconds),
    rate(records, d.seconds),
    rate(ingests[r]!.events, ingests[r]!.seconds),
    ratio(r).toFixed(2),
  ]);
  const ds = median(detects.map((d) => d.seconds));
  const is = median(ingests.map((i) => i.seconds));
  rows.push([
    '**median**',
    `**${rate(detects[0]!.events, ds)}**`,
    `**${rate(records, ds)}**`,
    `**${rate(ingests[0]!.events, is)}**`,
    `**${median(detects.map((_, r) => ratio(r))).toFixed(2)}**`,
  ]);
  const header = [
    'round',
    'detect events/s',
    'detect records/s',
    'ingest events/s',
    'paired ratio',
  ];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  console.log('paired ratio = detect events/s ÷ ingest events/s, per round; medians');
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
}

const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);
const delta = (bytes: number): string => `${bytes < 0 ? '-' : '+'}${mib(Math.abs(bytes))}`;

function scaled(preset: PresetName, scale: number): number | undefined {
  return scale === 1
    ? undefined
    : Math.max(MIN_EMPLOYEES, Math.round(PRESETS[preset].employees * scale));
}

/**
 * Simulates the preset (seed 1) and parses each file's lines with `parseRecord` as the sink
 * receives them (so that the lines need not all be held); with `file`, also writes the lines
 * there, in stream order, as one NDJSON file.
 */
function generate(preset: PresetName, employees: number | undefined, file?: string): Stream {
  const options = resolveOptions({
    preset,
    seed: SEED,
    ...(employees === undefined ? {} : { employees }),
  });
  const records: InterchangeRecord[] = [];
  let events = 0;
  let bytes = 0;
  let parse = 0n;
  const fd = file === undefined ? undefined : openSync(file, 'w');
  const start = process.hrtime.bigint();
  try {
    simulate(options, {
      write(name, lines) {
        const p = process.hrtime.bigint();
        for (const text of lines) {
          const parsed = parseRecord(text);
          if (!parsed.ok)
            throw new Error(`detect bench: ${name}: ${parsed.code}: ${parsed.message} in ${text}`);
          if (parsed.record.kind === 'event') events++;
          records.push(parsed.record);
        }
        parse += process.hrtime.bigint() - p;
        if (fd !== undefined)
          for (let i = 0; i < lines.length; i += CHUNK_LINES)
            bytes += writeSync(fd, `${lines.slice(i, i + CHUNK_LINES).join('\n')}\n`);
      },
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const total = elapsed(start);
  const parseSeconds = Number(parse) / 1e9;
  return {
    records,
    events,
    employees: options.employees,
    days: options.days,
    bytes,
    simSeconds: total - parseSeconds,
    parseSeconds,
  };
}

/** One pass of a fresh engine over every record, and its findings. */
function detectRound(records: readonly InterchangeRecord[]): DetectRun {
  const engine = new DetectionEngine();
  const start = process.hrtime.bigint();
  engine.consume(records);
  const findings = engine.findings();
  const seconds = elapsed(start);
  return {
    seconds,
    events: engine.events,
    alerts: findings.alerts.length,
    risk: findings.risk.length,
  };
}

/** Warden's whole import of the file into a fresh database, as `ingest` measures it. */
async function ingestRound(path: string, file: string): Promise<IngestRun> {
  const store = SqliteStore.open(path);
  const ledger = await Ledger.open(store, generateSignerKey('bench.local/log'));
  const vault = new Vault(randomBytes(32), store.dataKeys);
  const start = process.hrtime.bigint();
  const report = await importSource(store, ledger, vault, fileSource(file), {
    now: () => formatTime(Date.now()),
  });
  const seconds = elapsed(start);
  await ledger.close();
  await store.close();
  removeDb(path);
  return { seconds, events: report.events };
}

/** Runs the memory job in a child process of its own: a fresh heap, its own peak RSS. */
async function runChild(job: MemoryJob): Promise<MemoryResult> {
  const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(job)], {
    execArgv: ['--expose-gc', `--max-old-space-size=${CHILD_HEAP_MIB}`],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return await new Promise<MemoryResult>((resolve, reject) => {
    let result: MemoryResult | undefined;
    child.on('message', (m) => (result = m as MemoryResult));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0 && result) resolve(result);
      else reject(new Error(`detect bench child failed (exit ${code ?? signal})`));
    });
  });
}

/** In the child: generate and parse the preset, run the engine, report time and memory. */
function child(job: MemoryJob): void {
  const gc = globalThis.gc;
  if (!gc) throw new Error('the detect bench child needs --expose-gc');
  const stream = generate(job.preset, job.employees);
  const settled = (): { rss: number; heapUsed: number } => {
    gc();
    gc();
    const m = process.memoryUsage();
    return { rss: m.rss, heapUsed: m.heapUsed };
  };
  const parsed = settled();
  const maxRssBeforeKiB = process.resourceUsage().maxRSS;
  const engine = new DetectionEngine();
  const start = process.hrtime.bigint();
  engine.consume(stream.records);
  const findings = engine.findings();
  const seconds = elapsed(start);
  const detected = settled();
  const result: MemoryResult = {
    employees: stream.employees,
    days: stream.days,
    // read after the measurement, so that the records and the engine are held through it
    records: stream.records.length,
    events: engine.events,
    alerts: findings.alerts.length,
    risk: findings.risk.length,
    simSeconds: stream.simSeconds,
    parseSeconds: stream.parseSeconds,
    seconds,
    parsed,
    detected,
    maxRssBeforeKiB,
    maxRssKiB: process.resourceUsage().maxRSS,
  };
  process.send?.(result, () => process.disconnect());
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  child(JSON.parse(process.argv[2] ?? '') as MemoryJob);
