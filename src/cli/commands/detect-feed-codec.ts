import type {
  AccessEvent,
  EventLineRow,
  InterchangeRecord,
  VersionLineRow,
} from '../../domain/index.js';
import { randomBytes } from 'node:crypto';
import {
  ActorSlot,
  NONE,
  StringNumbering,
  readTime,
  widened,
  type DetectionEngine,
  type DirectoryView,
} from '../../detect/index.js';
import {
  EVENT_FIELDS,
  eventFields,
  feedActFields,
  feedLeaf,
  isVersionText,
  versionFields,
} from '../../store/index.js';
import { findMembers, flatObject, nameAt } from './detect-feed-payload.js';

/**
 * How the detection feed's worker hands records to the engine's thread: not as JSON text
 * (whose parse was a quarter of that thread's time) but as a tape of integers and the strings
 * it has not sent before. A string that recurs (an actor, an action, a seller, a context) is
 * sent once and then named by its index, so the engine's thread allocates it once; the values
 * seen once (an event's id, most times) travel in a list of their own and are never looked up.
 * A directory record carries only the members detection reads (`DIRECTORY_MEMBERS`).
 * The strings travel as one text and their lengths, not as JSON: the engine's thread takes each
 * as a slice of the text (no character is read; a JSON parse of them was half its decoding).
 * The times the engine reads (each event's, a ticket's and a report's) travel read as well
 * (`FeedCode.times`): the worker's thread has time to spare, the engine's has none.
 */

/** One chunk: the strings new to the table, the chunk's own strings, and the tape. */
export interface FeedCode {
  /** The strings added to the table, then the inline strings, joined with nothing between. */
  readonly text: string;
  /** Each string's length in `text` (UTF-16 code units), in the same order. */
  readonly lengths: Int32Array;
  /** How many of the strings are added to the table (the first ones); the rest are inline. */
  readonly added: number;
  readonly ops: Int32Array;
  /**
   * Each event's time and each `TIMED_MEMBERS` member's, in tape order, as detection reads it
   * (`readTime` of a string): NaN where it reads none (absent, not a time, or not a string).
   */
  readonly times: Float64Array;
  /** The table was emptied before this chunk (it grew past `TABLE_LIMIT`). */
  readonly reset: boolean;
}

/**
 * What `DirectoryView` (src/detect/directory-view.ts) reads of each directory record, and so
 * all the engine's state is built from; the rest (names, titles, regions, a ticket's topic, a
 * product's category, free `attrs`) is left out. `true`: a value seen about once (an id, a
 * time), sent inline rather than through the table. A kind not listed here is sent whole.
 */
export const DIRECTORY_MEMBERS = {
  employee: {
    id: false,
    team: false,
    role: false,
    site: false,
    manager: false,
    shift: false,
    hiredAt: false,
    leftAt: false,
  },
  seller: { id: false, category: false },
  product: { id: true, sellerId: false },
  review: { id: true, productId: false, reviewerId: true, rating: false, removedAt: true },
  assignment: { employeeId: false, sellerId: false, from: false, to: false },
  ticket: {
    id: true,
    sellerId: false,
    openedAt: true,
    closedAt: true,
    assigneeId: false,
    openedBy: false,
    reviewId: true,
    relatedSellerIds: false,
  },
  report: { reviewId: true, reportedAt: true },
} as const satisfies Record<string, Record<string, boolean>>;

type Projected = keyof typeof DIRECTORY_MEMBERS;

/**
 * The members whose times the worker reads (`FeedCode.times`): those of the kinds `decodeInto`
 * numbers into the view by itself. The others' times are read by `apply`, as they come.
 */
const TIMED_MEMBERS: Partial<Record<Projected, readonly string[]>> = {
  ticket: ['openedAt', 'closedAt'],
  report: ['reportedAt'],
};

/** Record tags on the tape: an event, a projected directory kind, or a record sent whole. */
const KINDS = ['event', ...(Object.keys(DIRECTORY_MEMBERS) as Projected[])] as const;
const WHOLE = KINDS.length;
/**
 * Each kind's tag, as the decoder reads records by it: its place in `KINDS` (and its members
 * in `DIRECTORY_MEMBERS`' order), named rather than written out, so that a kind added or moved
 * there cannot leave a reader on another kind's tag.
 */
const EVENT = 0;
const EMPLOYEE = KINDS.indexOf('employee');
const SELLER = KINDS.indexOf('seller');
const PRODUCT = KINDS.indexOf('product');
const REVIEW = KINDS.indexOf('review');
const ASSIGNMENT = KINDS.indexOf('assignment');
const TICKET = KINDS.indexOf('ticket');
const REPORT = KINDS.indexOf('report');
const MEMBERS = KINDS.map((k) =>
  k === 'event' ? [] : Object.entries(DIRECTORY_MEMBERS[k] as Record<string, boolean>),
);
const NAMES = MEMBERS.map((members) => members.map(([name]) => name));
/** Per kind, whether each member's time goes in `FeedCode.times` (`TIMED_MEMBERS`). */
const TIMED = KINDS.map((kind, tag) =>
  NAMES[tag]!.map((name) => kind !== 'event' && (TIMED_MEMBERS[kind]?.includes(name) ?? false)),
);
/** Enough room for the found members of any kind (`findMembers`). */
const MOST_MEMBERS = Math.max(...NAMES.map((names) => names.length));

// the first character of a JSON value's text
const QUOTE = 0x22;
const NULL_START = 0x6e;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

// values on the tape: a table index (>= 0), or one of these
const ABSENT = -1;
const NULL = -2;
/** An integer: the next op. */
const INT = -3;
/** Any other JSON value: the next op names its text in the table, parsed on every use. */
const JSON_TEXT = -4;
/** The next inline string. */
const INLINE = -5;
/** The previous event's time. */
const SAME_TIME = -6;

/** Past this many strings the table starts again (both ends), so that it stays bounded. */
export const TABLE_LIMIT = 1 << 20;

/**
 * An actor's table index, and its last event's act (`FEED_EVENT_TEXT`), target, ticket and
 * context with theirs.
 */
interface ActorCache {
  readonly index: number;
  act: string | undefined;
  acted: Act;
  target: string | undefined;
  targetIndex: number;
  ticket: string | undefined;
  ticketIndex: number;
  context: string | undefined;
  contextIndex: number;
}

/** An event's action, target type and outcome (its row text's `act`): their table indices. */
interface Act {
  readonly action: number;
  readonly targetType: number;
  readonly outcome: number;
}

const NO_ACT: Act = { action: ABSENT, targetType: ABSENT, outcome: ABSENT };

/**
 * Strings of one field → their table indices: numbered by a `StringNumbering` (one look-up
 * touches one slot; a Map of a large field's hundreds of thousands of strings cost several cache
 * misses each), each number's table index beside it.
 */
class TableRefs {
  numbers: StringNumbering;
  indices = new Int32Array(1024);

  constructor(private readonly seed: number) {
    this.numbers = new StringNumbering(seed);
  }

  clear(): void {
    this.numbers = new StringNumbering(this.seed);
  }
}

/** The worker's end: records in, one `FeedCode` per chunk out. */
export class FeedEncoder {
  /**
   * The table's strings, by field: small sets apart from large ones, looked up less often. The
   * hash is seeded at random: nothing here outlives the run, and a stream cannot aim at it.
   */
  private readonly seed = randomBytes(4).readInt32BE(0);
  private readonly index = new TableRefs(this.seed);
  private readonly values = new TableRefs(this.seed);
  private readonly targets = new TableRefs(this.seed);
  private readonly contexts = new TableRefs(this.seed);
  private readonly actors = new Map<string, ActorCache>();
  private readonly acts = new Map<string, Act>();
  private size = 0;
  private added: string[] = [];
  private inline: string[] = [];
  /** The strings' lengths, noted as they come (the strings are in the cache then). */
  private addedLengths: number[] = [];
  private inlineLengths: number[] = [];
  private ops = new Int32Array(1 << 16);
  private length = 0;
  private lastTime: string | undefined;
  /** `lastTime` read (`readTime`; NaN for none). */
  private lastRead = NaN;
  private times = new Float64Array(1 << 14);
  private timeCount = 0;
  private reset = false;
  private readonly found = new Int32Array(2 * MOST_MEMBERS);
  /** A row text's separators (`eventFields`, `versionFields`). */
  private readonly at = new Int32Array(EVENT_FIELDS);

  /** `limit`: the table's size past which it starts again (`TABLE_LIMIT`). */
  constructor(private readonly limit = TABLE_LIMIT) {}

  /**
   * An event from its row's text (`FEED_EVENT_TEXT`). `false`, nothing sent, when its fields
   * cannot be told apart (`eventFields`): then `event` takes its columns.
   */
  eventText(t: string): boolean {
    const at = this.at;
    if (!eventFields(t, at)) return false;
    // a column that may be NULL: empty when it is, else a `+` and its value; the act (action,
    // target type, outcome) is the text of its three fields, separators included
    this.send(t.slice(at[0]! + 1, at[1]));
    this.emit(
      t.slice(at[1]! + 1, at[2]),
      t.slice(at[2]! + 1, at[3]),
      t.slice(at[3]! + 1, at[6]),
      t.slice(at[6]! + 1, at[7]),
      at[8] === at[7]! + 1 ? null : t.slice(at[7]! + 2, at[8]),
      at[9] === at[8]! + 1 ? null : t.slice(at[8]! + 2, at[9]),
      t.length === at[9]! + 1 ? null : t.slice(at[9]! + 2),
    );
    return true;
  }

  /** An event from its `events` row's columns (`EventLineRow`), sent as `eventText` sends it. */
  event(r: EventLineRow): void {
    this.send(r[1]);
    const act = JSON.stringify([r[4], r[5], r[7]]);
    this.emit(r[2], r[3], act, r[6], r[8], r[9], r[10]);
  }

  /**
   * An event, its id sent. Its time is inline unless the event before had it; its act (action,
   * target type and outcome), target, ticket and context are compared with its actor's last
   * ones and looked up only when they differ (half of an actor's events do what its last did;
   * most share its context).
   */
  private emit(
    time: string,
    actorId: string,
    act: string,
    target: string,
    ticket: string | null,
    context: string | null,
    attrs: string | null,
  ): void {
    this.room(11);
    const ops = this.ops;
    let n = this.length;
    ops[n++] = EVENT;
    if (time === this.lastTime) ops[n++] = SAME_TIME;
    else {
      ops[n++] = INLINE;
      this.send((this.lastTime = time));
      this.lastRead = readTime(time) ?? NaN;
    }
    this.time(this.lastRead);
    const actor = this.actor(actorId);
    if (actor.act !== act) actor.acted = this.act((actor.act = act));
    ops[n++] = actor.index;
    ops[n++] = actor.acted.action;
    ops[n++] = actor.acted.targetType;
    if (actor.target !== target)
      actor.targetIndex = this.ref(this.targets, (actor.target = target));
    ops[n++] = actor.targetIndex;
    ops[n++] = actor.acted.outcome;
    if (ticket === null) ops[n++] = ABSENT;
    else {
      // a ticket is seldom another actor's: added anew, not looked up (as it once was, 92 %
      // of the time in vain)
      if (actor.ticket !== ticket) actor.ticketIndex = this.add((actor.ticket = ticket));
      ops[n++] = actor.ticketIndex;
    }
    if (context === null) ops[n++] = ABSENT;
    else {
      if (actor.context !== context)
        actor.contextIndex = this.ref(this.contexts, (actor.context = context));
      ops[n++] = actor.contextIndex;
    }
    ops[n++] = attrs === null ? ABSENT : this.ref(this.index, attrs);
    this.length = n;
  }

  /**
   * The act's members, looked up the first time its text is seen: a row text's three fields
   * (`eventText`), or the JSON array `event` makes of a row's columns (which holds no raw
   * separator, so the two never name the same text).
   */
  private act(text: string): Act {
    let act = this.acts.get(text);
    if (act === undefined) {
      const [action, targetType, outcome] =
        feedActFields(text) ?? (JSON.parse(text) as [string, string, string | null]);
      act = {
        action: this.ref(this.index, action),
        targetType: this.ref(this.index, targetType),
        outcome: outcome === null ? ABSENT : this.ref(this.index, outcome),
      };
      this.acts.set(text, act);
    }
    return act;
  }

  private actor(id: string): ActorCache {
    let a = this.actors.get(id);
    if (a === undefined) {
      a = {
        index: this.ref(this.index, id),
        act: undefined,
        acted: NO_ACT,
        target: undefined,
        targetIndex: ABSENT,
        ticket: undefined,
        ticketIndex: ABSENT,
        context: undefined,
        contextIndex: ABSENT,
      };
      this.actors.set(id, a);
    }
    return a;
  }

  /**
   * A directory record from its row's text (`FEED_VERSION_TEXT`), sent as `version` sends it.
   * `false`, nothing sent, when its kind and payload cannot be told apart (`versionFields`):
   * then `version` takes its columns.
   */
  versionText(t: string): boolean {
    const at = this.at;
    if (!versionFields(t, at)) return false;
    const kind = at[0]! + 1;
    const tag = nameAt(t, kind, at[1]!, KINDS);
    this.directory(tag, tag > 0 ? '' : t.slice(kind, at[1]), t, at[1]! + 1);
    return true;
  }

  /**
   * A directory record from its stored payload: the members sent read off the text
   * (`findMembers`) when it is of the plain subset stored payloads are written in, else from
   * its parse. A kind not projected goes whole, its text as stored.
   */
  version(kind: string, payload: string): void {
    this.directory(KINDS.indexOf(kind as Projected), kind, payload, 0);
  }

  /** A directory record of kind `tag` (`KINDS`), its payload `text` from `from` on. */
  private directory(tag: number, kind: string, text: string, from: number): void {
    if (tag <= 0) {
      this.room(2);
      this.ops[this.length++] = WHOLE;
      this.ops[this.length++] = this.ref(this.index, kind);
      this.send(from === 0 ? text : text.slice(from));
      return;
    }
    const members = MEMBERS[tag]!;
    this.room(1 + 2 * members.length);
    this.ops[this.length++] = tag;
    const found = this.found;
    const timed = TIMED[tag]!;
    if (findMembers(text, from, NAMES[tag]!, found)) {
      for (let k = 0; k < members.length; k++) {
        const start = found[2 * k]!;
        const end = found[2 * k + 1]!;
        if (start < 0) this.ops[this.length++] = ABSENT;
        else this.text(text, start, end, members[k]![1]);
        if (!timed[k]) continue;
        // the subset's strings have no escapes: the text between the quotes is the value; any
        // other value, or none, is no time
        if (start >= 0 && text.charCodeAt(start) === QUOTE)
          this.memberTime(text.slice(start + 1, end - 1));
        else this.time(NaN);
      }
    } else {
      const payload = from === 0 ? text : text.slice(from);
      const body = JSON.parse(payload) as Readonly<Record<string, unknown>>;
      for (let k = 0; k < members.length; k++) {
        const [name, once] = members[k]!;
        this.value(body[name], once);
        if (timed[k]) this.memberTime(body[name]);
      }
    }
  }

  /**
   * A timed member's time (`FeedCode.times`) as `DirectoryView` reads it: a string's as
   * `readTime` reads it, none for any other value or none.
   */
  private memberTime(v: unknown): void {
    this.time(typeof v === 'string' ? (readTime(v) ?? NaN) : NaN);
  }

  private time(t: number): void {
    if (this.timeCount === this.times.length) this.times = widened(this.times, 2 * this.timeCount);
    this.times[this.timeCount++] = t;
  }

  /** The chunk so far, and a fresh start for the next one. */
  end(): FeedCode {
    const added = this.added.length;
    const lengths = new Int32Array(added + this.inline.length);
    lengths.set(this.addedLengths);
    lengths.set(this.inlineLengths, added);
    const code = {
      // one join, not two and their concatenation, which posting would copy to flatten
      text: this.added.concat(this.inline).join(''),
      lengths,
      added,
      ops: this.ops.subarray(0, this.length),
      times: this.times.subarray(0, this.timeCount),
      reset: this.reset,
    };
    this.added = [];
    this.inline = [];
    this.addedLengths = [];
    this.inlineLengths = [];
    this.ops = new Int32Array(Math.max(1 << 16, this.length + (this.length >> 3)));
    this.length = 0;
    this.times = new Float64Array(Math.max(1 << 14, this.timeCount + (this.timeCount >> 3)));
    this.timeCount = 0;
    this.reset = this.size > this.limit;
    if (this.reset) {
      for (const m of [
        this.index,
        this.values,
        this.targets,
        this.contexts,
        this.actors,
        this.acts,
      ])
        m.clear();
      this.size = 0;
    }
    return code;
  }

  private value(v: unknown, once: boolean): void {
    const ops = this.ops;
    if (v === undefined) ops[this.length++] = ABSENT;
    else if (v === null) ops[this.length++] = NULL;
    else if (typeof v === 'string') this.string(v, once);
    else if (typeof v === 'number' && (v | 0) === v && !Object.is(v, -0)) {
      ops[this.length++] = INT;
      ops[this.length++] = v;
    } else {
      ops[this.length++] = JSON_TEXT;
      // JSON.stringify writes -0 as 0; its parse must give -0 back
      ops[this.length++] = this.ref(this.values, Object.is(v, -0) ? '-0' : JSON.stringify(v));
    }
  }

  /**
   * The value whose JSON text is `payload`'s [start, end), of the subset `findMembers` reads:
   * sent as `value` sends its parse. A string is the text between its quotes (the subset has no
   * escapes); any other value but an integer and null goes as that text, whose parse on the
   * engine's side is the parse of the payload's member.
   */
  private text(payload: string, start: number, end: number, once: boolean): void {
    const ops = this.ops;
    const c = payload.charCodeAt(start);
    if (c === QUOTE) {
      this.string(payload.slice(start + 1, end - 1), once);
      return;
    }
    if (c === NULL_START) {
      ops[this.length++] = NULL;
      return;
    }
    const json = payload.slice(start, end);
    const n = c === MINUS || (c >= ZERO && c <= NINE) ? Number(json) : NaN;
    if ((n | 0) === n && !Object.is(n, -0)) {
      ops[this.length++] = INT;
      ops[this.length++] = n;
    } else {
      ops[this.length++] = JSON_TEXT;
      ops[this.length++] = this.ref(this.values, json);
    }
  }

  /** A directory member's string: inline when seen about once (`once`), else by the table. */
  private string(s: string, once: boolean): void {
    if (once) {
      this.ops[this.length++] = INLINE;
      this.send(s);
    } else this.ops[this.length++] = this.ref(this.values, s);
  }

  /** The table index of `s`, added to the table (and to `refs`) if new. */
  private ref(refs: TableRefs, s: string): number {
    const known = refs.numbers.size;
    const n = refs.numbers.number(s);
    if (n < known) return refs.indices[n]!;
    if (n === refs.indices.length) refs.indices = widened(refs.indices, 2 * n);
    return (refs.indices[n] = this.add(s));
  }

  /** `s` added to the table, whether or not it is there already: its new index. */
  private add(s: string): number {
    this.added.push(s);
    this.addedLengths.push(s.length);
    return this.size++;
  }

  /** `s` sent inline. */
  private send(s: string): void {
    this.inline.push(s);
    this.inlineLengths.push(s.length);
  }

  private room(more: number): void {
    if (this.length + more <= this.ops.length) return;
    const grown = new Int32Array(2 * this.ops.length + more);
    grown.set(this.ops.subarray(0, this.length));
    this.ops = grown;
  }
}

/** Where rows whose texts cannot be split are read by their columns (a `SqliteStore`). */
export interface RowColumns {
  eventLineRow(leaf: number): EventLineRow | undefined;
  versionLineRow(leaf: number): VersionLineRow | undefined;
}

/**
 * A chunk's row texts (`recordRowChunks`) from `from` to `to` into `encoder`; a row whose text
 * it cannot split (a field holds the separator: an id may hold any character) from its columns.
 */
export function encodeRows(
  encoder: FeedEncoder,
  texts: readonly string[],
  columns: RowColumns,
  from = 0,
  to = texts.length,
): void {
  for (let i = from; i < to; i++) {
    const text = texts[i]!;
    const version = isVersionText(text);
    if (version ? encoder.versionText(text) : encoder.eventText(text)) continue;
    const leaf = feedLeaf(text);
    if (version) {
      const row = columns.versionLineRow(leaf);
      if (row === undefined) throw new Error(`no directory record at leaf ${leaf}`);
      encoder.version(row[1], row[2]);
    } else {
      const row = columns.eventLineRow(leaf);
      if (row === undefined) throw new Error(`no event at leaf ${leaf}`);
      encoder.event(row);
    }
  }
}

/**
 * A context as the events share it, parsed once: when its members are all strings (or other
 * plain values) one frozen object serves every event that names it (nothing may change it: a
 * consumer that tried would throw), else parsed again for each.
 */
type Template = Readonly<Record<string, unknown>> | false;

/** The engine's end: one `FeedCode` in, its records out, in order. */
export class FeedDecoder {
  private table: string[] = [];
  private templates: (Template | undefined)[] = [];
  /** The chunk's strings (`FeedCode.text`), the next inline one's index and where it starts. */
  private text = '';
  private lengths: Int32Array = new Int32Array(0);
  private at = 0;
  private start = 0;
  private ops: Int32Array = new Int32Array(0);
  private p = 0;
  private lastTime = '';
  /** The chunk's times (`FeedCode.times`) and the next one's index. */
  private times: Float64Array = new Float64Array(0);
  private t = 0;

  /** What table entries number to in the view last decoded into (`decodeInto`). */
  private numbers: TableNumbers | undefined;

  decode(code: FeedCode): InterchangeRecord[] {
    this.begin(code);
    const out: InterchangeRecord[] = [];
    while (this.p < this.ops.length) out.push(this.record());
    return out;
  }

  /**
   * The chunk's records fed to `engine` in order, to the same state as
   * `engine.consume(this.decode(code))`, without making most of them: events go to
   * `consumeEvent` as they are read; products, reviews, tickets and reports (the directory's
   * hundreds of thousands) are numbered into `engine.directory` straight from the tape — an
   * inline id read where it stands in the chunk's text (`numberIn`), a table entry's number in
   * the view remembered for the next record naming it (`TableNumbers`) — and the rest are made
   * and consumed as `decode` gives them.
   */
  decodeInto(code: FeedCode, engine: DetectionEngine): void {
    this.begin(code);
    const view = engine.directory;
    const numbers = this.numbersIn(view);
    const ops = this.ops;
    while (this.p < ops.length) {
      switch (ops[this.p]) {
        case EVENT: {
          // the actor's table entry (the event's second op) names its slot
          const slot = numbers.actorSlot(ops[++this.p + 1]!);
          engine.consumeEvent(this.event() as unknown as AccessEvent, this.times[this.t++], slot);
          break;
        }
        case PRODUCT:
          this.p++;
          this.product(view, numbers);
          break;
        case REVIEW:
          this.p++;
          this.review(view, numbers);
          break;
        case TICKET:
          this.p++;
          this.ticket(view, numbers);
          break;
        case REPORT:
          this.p++;
          this.report(view);
          break;
        default:
          engine.consumeRecord(this.record());
      }
    }
  }

  private begin(code: FeedCode): void {
    if (code.reset) {
      this.table = [];
      this.templates = [];
      this.numbers = undefined;
    }
    const { text, lengths, added } = code;
    let start = 0;
    for (let i = 0; i < added; i++) {
      this.table.push(text.slice(start, (start += lengths[i]!)));
      this.templates.push(undefined);
    }
    this.text = text;
    this.lengths = lengths;
    this.at = added;
    this.start = start;
    this.ops = code.ops;
    this.p = 0;
    this.times = code.times;
    this.t = 0;
  }

  /** The table's numbers in `view`, room for every entry; anew for another view. */
  private numbersIn(view: DirectoryView): TableNumbers {
    let numbers = this.numbers;
    if (numbers === undefined || numbers.view !== view)
      numbers = this.numbers = new TableNumbers(view);
    numbers.room(this.table.length);
    return numbers;
  }

  /** `DirectoryView`'s `product` of the next members. */
  private product(view: DirectoryView, numbers: TableNumbers): void {
    if (this.ops[this.p] !== INLINE) {
      const id = this.value() as string;
      view.productVersion(id, this.sellerNumber(view, numbers));
      return;
    }
    this.p++;
    const from = this.skipInline();
    const to = this.start;
    view.productVersionIn(this.text, from, to, this.sellerNumber(view, numbers));
  }

  /** `DirectoryView`'s `review` of the next members. */
  private review(view: DirectoryView, numbers: TableNumbers): void {
    const ops = this.ops;
    const r = this.reviewId(view);
    let p: number;
    const product = ops[this.p]!;
    if (product >= 0) {
      this.p++;
      p = numbers.product[product]! - 1;
      if (p < 0) numbers.product[product] = (p = view.productNumber(this.table[product]!)) + 1;
    } else p = view.productNumber(this.value() as string);
    // the reviewer is numbered only for a review's first version: where it stands, kept
    let reviewer: unknown;
    let from = -1;
    if (ops[this.p] === INLINE) {
      this.p++;
      from = this.skipInline();
    } else reviewer = this.value();
    const to = this.start;
    const rating = this.value() as number;
    const removed = this.present();
    if (!view.reviewVersion(r, p, rating, removed)) return;
    view.reviewedBy(
      r,
      from >= 0
        ? view.reviewerNumberIn(this.text, from, to)
        : view.reviewerNumber(reviewer as string),
    );
  }

  /** `DirectoryView`'s `ticketRecord` of the next members. */
  private ticket(view: DirectoryView, numbers: TableNumbers): void {
    const ops = this.ops;
    let k: number;
    if (ops[this.p] === INLINE) {
      this.p++;
      const from = this.skipInline();
      k = view.ticketNumberIn(this.text, from, this.start);
    } else k = view.ticketNumber(this.value() as string);
    const seller = this.sellerNumber(view, numbers);
    const openedAt = this.timeMember();
    const closedAt = this.timeMember();
    const assignee = this.personNumber(view, numbers);
    const openedBy = this.personNumber(view, numbers);
    let review = NONE;
    if (ops[this.p] === ABSENT) this.p++;
    else review = this.reviewId(view);
    let related: Int32Array;
    let n: number;
    if (ops[this.p] === JSON_TEXT && (related = this.relatedList(view, numbers)) !== NOT_A_LIST) {
      n = related.length;
    } else {
      // as `ticketRecord` reads them, whatever they are
      const list = (this.value() ?? []) as readonly string[];
      n = list.length;
      related = view.relatedNumbers(list);
    }
    view.ticketVersionAt(k, seller, openedAt, closedAt, assignee, openedBy, review, related, n);
  }

  /**
   * The related sellers' numbers of the JSON text at the next op, an array of strings, parsed
   * and numbered the first time it is met (in its order: as `ticketRecord` numbers it);
   * `NOT_A_LIST`, nothing read, for any other value.
   */
  private relatedList(view: DirectoryView, numbers: TableNumbers): Int32Array {
    const i = this.ops[this.p + 1]!;
    let list = numbers.related[i];
    if (list === undefined) {
      const parsed = JSON.parse(this.table[i]!) as unknown;
      list =
        Array.isArray(parsed) && parsed.every((id) => typeof id === 'string')
          ? Int32Array.from(parsed, (id) => view.sellerNumber(id))
          : NOT_A_LIST;
      numbers.related[i] = list;
    }
    if (list !== NOT_A_LIST) this.p += 2;
    return list;
  }

  /** `DirectoryView`'s `report` of the next members. */
  private report(view: DirectoryView): void {
    const r = this.reviewId(view);
    view.reportVersionAt(r, this.timeMember());
  }

  /**
   * The next member, a time: as the worker read it (`FeedCode.times`; NaN for none), its value
   * passed over unmade.
   */
  private timeMember(): number {
    const t = this.times[this.t++]!;
    if (this.ops[this.p] === INLINE) {
      this.p++;
      this.skipInline();
    } else this.value();
    return t;
  }

  /** The next member, a review's id, numbered (`reviewNumber`). */
  private reviewId(view: DirectoryView): number {
    if (this.ops[this.p] !== INLINE) return view.reviewNumber(this.value() as string);
    this.p++;
    const from = this.skipInline();
    return view.reviewNumberIn(this.text, from, this.start);
  }

  /** The next member, a seller's id, numbered (`sellerNumber`): a table entry's once. */
  private sellerNumber(view: DirectoryView, numbers: TableNumbers): number {
    const i = this.ops[this.p]!;
    if (i < 0) return view.sellerNumber(this.value() as string);
    this.p++;
    let s = numbers.seller[i]! - 1;
    if (s < 0) numbers.seller[i] = (s = view.sellerNumber(this.table[i]!)) + 1;
    return s;
  }

  /** The next member, a person's id or none, numbered (`personNumber`): a table entry's once. */
  private personNumber(view: DirectoryView, numbers: TableNumbers): number {
    const i = this.ops[this.p]!;
    if (i < 0) return view.personNumber(this.value() as string | undefined);
    this.p++;
    let s = numbers.person[i]! - 1;
    if (s < 0) numbers.person[i] = (s = view.personNumber(this.table[i])) + 1;
    return s;
  }

  /** Whether the next member is present (`!== undefined`), past it; no string is made. */
  private present(): boolean {
    if (this.ops[this.p] !== INLINE) return this.value() !== undefined;
    this.p++;
    this.skipInline();
    return true;
  }

  /** Past the next inline string: where it starts (it ends at `start`). */
  private skipInline(): number {
    const start = this.start;
    this.start = start + this.lengths[this.at++]!;
    return start;
  }

  private record(): InterchangeRecord {
    const tag = this.ops[this.p++]!;
    switch (tag) {
      case EVENT:
        return { kind: 'event', body: this.event() as unknown as AccessEvent };
      case EMPLOYEE:
        return {
          kind: 'employee',
          body: {
            id: this.value(),
            team: this.value(),
            role: this.value(),
            site: this.value(),
            manager: this.value(),
            shift: this.value(),
            hiredAt: this.value(),
            leftAt: this.value(),
          },
        } as InterchangeRecord;
      case SELLER:
        return {
          kind: 'seller',
          body: { id: this.value(), category: this.value() },
        } as InterchangeRecord;
      case PRODUCT:
        return {
          kind: 'product',
          body: { id: this.value(), sellerId: this.value() },
        } as InterchangeRecord;
      case REVIEW:
        return {
          kind: 'review',
          body: {
            id: this.value(),
            productId: this.value(),
            reviewerId: this.value(),
            rating: this.value(),
            removedAt: this.value(),
          },
        } as InterchangeRecord;
      case ASSIGNMENT:
        return {
          kind: 'assignment',
          body: {
            employeeId: this.value(),
            sellerId: this.value(),
            from: this.value(),
            to: this.value(),
          },
        } as InterchangeRecord;
      case TICKET:
        return {
          kind: 'ticket',
          body: {
            id: this.value(),
            sellerId: this.value(),
            openedAt: this.value(),
            closedAt: this.value(),
            assigneeId: this.value(),
            openedBy: this.value(),
            reviewId: this.value(),
            relatedSellerIds: this.value(),
          },
        } as InterchangeRecord;
      case REPORT:
        return {
          kind: 'report',
          body: { reviewId: this.value(), reportedAt: this.value() },
        } as InterchangeRecord;
      default: {
        const kind = this.table[this.ops[this.p++]!]!;
        return { kind, body: JSON.parse(this.inline()) as unknown } as InterchangeRecord;
      }
    }
  }

  /**
   * An event with the members `rawEventRecord` gives it, and every optional member there too,
   * `undefined` when absent: each event this makes has the same members in the same order, so
   * V8 gives them all one hidden class. Added one by one as present, as a row's are, an event
   * took one of sixteen, and the detectors' reads of an event's members, seeing more of them
   * as the stream went on, ran generic and were optimised again and again (`--trace-deopt`
   * on world b's large preset: 131 deoptimisations, 106–119 with one class; BENCHMARKS.md).
   * Only the engine reads these events (`FedChunk`), and it reads a member as absent when it
   * is undefined, as `JSON.stringify` does.
   */
  private event(): Record<string, unknown> {
    const ops = this.ops;
    const p = this.p;
    const table = this.table;
    const id = this.inline();
    if (ops[p] !== SAME_TIME) this.lastTime = this.inline();
    const outcome = ops[p + 5]!;
    const ticket = ops[p + 6]!;
    const context = ops[p + 7]!;
    const attrs = ops[p + 8]!;
    const e: Record<string, unknown> = {
      id,
      time: this.lastTime,
      actor: table[ops[p + 1]!],
      action: table[ops[p + 2]!],
      target: { type: table[ops[p + 3]!], id: table[ops[p + 4]!] },
      outcome: outcome === ABSENT ? undefined : table[outcome],
      ticket: ticket === ABSENT ? undefined : table[ticket],
      context: context === ABSENT ? undefined : this.shared(context),
      attrs: attrs === ABSENT ? undefined : (JSON.parse(table[attrs]!) as unknown),
    };
    this.p = p + 9;
    return e;
  }

  /**
   * The JSON text at `i` parsed (read off the text, `flatObject`, when it can be): its shared
   * frozen template when that is flat, else anew.
   */
  private shared(i: number): unknown {
    let t = this.templates[i];
    if (t === undefined) {
      const text = this.table[i]!;
      // read off the text when flat and of the plain subset (`flatObject`), else parsed
      const read = flatObject(text);
      if (read !== undefined) t = Object.freeze(read);
      else {
        const parsed = JSON.parse(text) as unknown;
        t = flat(parsed) ? Object.freeze(parsed) : false;
      }
      this.templates[i] = t;
    }
    return t === false ? JSON.parse(this.table[i]!) : t;
  }

  /** The next inline string. */
  private inline(): string {
    const start = this.start;
    this.start = start + this.lengths[this.at++]!;
    return this.text.slice(start, this.start);
  }

  private value(): unknown {
    const v = this.ops[this.p++]!;
    if (v >= 0) return this.table[v];
    switch (v) {
      case ABSENT:
        return undefined;
      case NULL:
        return null;
      case INT:
        return this.ops[this.p++];
      case INLINE:
        return this.inline();
      default:
        return JSON.parse(this.table[this.ops[this.p++]!]!);
    }
  }
}

/**
 * A table entry's number in one `DirectoryView` (`FeedDecoder.decodeInto`), as seller, person
 * and product, plus 1 (0: not asked yet); a JSON entry's related sellers by number, or
 * `NOT_A_LIST`. The view's numbers never change, so they hold for as long as the table does
 * (they go with it when it starts again) and the view is the same; a stream that repeats or
 * collides ids meets the view's own numbering the first time an entry is asked, as `apply` would.
 */
class TableNumbers {
  seller = new Int32Array(0);
  person = new Int32Array(0);
  product = new Int32Array(0);
  related: (Int32Array | undefined)[] = [];
  /** An entry's `ActorSlot` in the view's engine, once an event has named it as its actor. */
  private readonly actors: (ActorSlot | undefined)[] = [];

  constructor(readonly view: DirectoryView) {}

  /** Room for `entries` table entries. */
  room(entries: number): void {
    if (entries <= this.seller.length) return;
    const size = Math.max(1024, 2 * this.seller.length, entries);
    for (const name of ['seller', 'person', 'product'] as const)
      this[name] = widened(this[name], size);
    // filled in order (a list with holes would be kept as a dictionary)
    while (this.actors.length < size) this.actors.push(undefined);
  }

  /** The slot of entry `i` as an event's actor. */
  actorSlot(i: number): ActorSlot {
    let slot = this.actors[i];
    if (slot === undefined) this.actors[i] = slot = new ActorSlot();
    return slot;
  }
}

/** A ticket's related sellers that are not a list of strings: read anew each time. */
const NOT_A_LIST = new Int32Array(0);

/** A plain object of plain values only: a shallow copy of it is a parse of its text. */
function flat(v: unknown): v is Readonly<Record<string, unknown>> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  for (const m of Object.values(v)) if (typeof m === 'object' && m !== null) return false;
  return true;
}
