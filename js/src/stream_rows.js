/**
 * The rows a stream shows, in order, kept so that each instruction costs its own size.
 *
 * A stream only grows at its ends, loses rows by DOM id and updates rows by DOM id, so its
 * rows live in a double-ended queue (two stacks: the rows prepended, newest last, and the
 * rows appended) with an index by DOM id. Appending, prepending, deleting, updating in place
 * and pruning by `limit` cost O(1) each (amortized): a deleted row is only marked, and the
 * queue is compacted once the marked rows outnumber the live ones. Only an insert at a
 * position inside the stream (`at` = i) rebuilds the queue as one array, O(rows).
 *
 * Each `apply` returns its log: what happened to which DOM id, in order, with the row each
 * new row went before or after, so that the page replays the same steps on its elements
 * (`stream_patch.js`) without looking at the other rows.
 */

/**
 * @typedef {object} Entry
 * @property {string} id the row's DOM id
 * @property {unknown[]} row its dynamics
 * @property {boolean} alive false once deleted or pruned
 */

/**
 * One step of an instruction, as the page replays it.
 *
 * @typedef {{op: "remove", id: string}
 *   | {op: "update", id: string, row: unknown[]}
 *   | {op: "insert", id: string, row: unknown[], before: string | null, after: string | null}} Step
 * An insert goes right before the row `before` (at the top or at a position) or right after
 * the row `after` (appended); both are null when the stream showed no row.
 */

/**
 * Work counted, for tests (never timed): rows visited by the steps that cost O(rows) (making
 * the rows into one array, reading a container's children), rows parsed for the page, and
 * the insertions into the page (a run of appended rows goes in as one), the batches whose
 * new rows were parsed as one run (`stream_patch.js`, `appendedRun`), and the rows of those
 * runs parsed in place, in the page (`placeRuns`).
 */
export const streamWork = { flattened: 0, indexed: 0, parsed: 0, insertions: 0, runs: 0, inPlace: 0 };

/** The rows of one stream, with their DOM ids. */
export class StreamRows {
  constructor() {
    /** @private Rows prepended, the first row last. @type {Entry[]} */
    this.front = [];
    /** @private Where the live part of `front` starts. */
    this.frontStart = 0;
    /** @private Rows appended, in order. @type {Entry[]} */
    this.back = [];
    /** @private Where the live part of `back` starts. */
    this.backStart = 0;
    /** @private The live rows by DOM id. @type {Map<string, Entry>} */
    this.byId = new Map();
    /** @private How many marked (dead) entries the stacks still hold. */
    this.dead = 0;
    /** Bumped by every `apply`. */
    this.version = 0;
    /** @private The rows and ids as arrays, for the version they were made for. */
    this.cache = { version: -1, rows: /** @type {unknown[][]} */ ([]), ids: /** @type {string[]} */ ([]) };
  }

  /** How many rows the stream shows. */
  get size() {
    return this.byId.size;
  }

  /**
   * @param {string} id
   * @returns {unknown[] | undefined} the dynamics of the row with this DOM id
   */
  row(id) {
    return this.byId.get(id)?.row;
  }

  /** @returns {string | null} the first row's DOM id */
  firstId() {
    return this.edge(true)?.id ?? null;
  }

  /** @returns {string | null} the last row's DOM id */
  lastId() {
    return this.edge(false)?.id ?? null;
  }

  /**
   * The rows, in order, as one array (made once per version; O(rows) then).
   *
   * @returns {unknown[][]}
   */
  rows() {
    return this.arrays().rows;
  }

  /**
   * The DOM ids, in order (made once per version).
   *
   * @returns {string[]}
   */
  ids() {
    return this.arrays().ids;
  }

  /**
   * Apply one instruction: reset, then the deletes, then each insert in turn, as the page does
   * (see `streams.js`). Returns what happened, step by step.
   *
   * @param {boolean} reset
   * @param {string[]} deletes
   * @param {import("./streams.js").StreamInsert[]} inserts
   * @param {unknown[][]} newRows one per insert
   * @returns {Step[]}
   */
  apply(reset, deletes, inserts, newRows) {
    this.version += 1;
    /** @type {Step[]} */
    const log = [];
    if (reset) this.clear();
    for (const id of deletes) if (this.remove(id)) log.push({ op: "remove", id });
    inserts.forEach(([id, at, limit, updateOnly], n) => {
      const row = newRows[n];
      const shown = this.byId.get(id);
      if (shown) {
        shown.row = row; // shown already: updated where it is
        log.push({ op: "update", id, row });
        return;
      }
      if (updateOnly) return;
      const size = this.byId.size;
      const entry = { id, row, alive: true };
      if (at < 0 || at >= size) {
        log.push({ op: "insert", id, row, before: null, after: this.lastId() });
        this.back.push(entry);
      } else if (at === 0) {
        log.push({ op: "insert", id, row, before: this.firstId(), after: null });
        this.front.push(entry);
      } else {
        const all = this.flatten();
        log.push({ op: "insert", id, row, before: all[at].id, after: null });
        all.splice(at, 0, entry);
      }
      this.byId.set(id, entry);
      if (limit === null) return;
      if (limit < 0) {
        while (this.byId.size > -limit) log.push({ op: "remove", id: this.pop(true) });
      } else {
        while (this.byId.size > limit) log.push({ op: "remove", id: this.pop(false) });
      }
    });
    return log;
  }

  /** @private Drop every row. */
  clear() {
    this.front = [];
    this.back = [];
    this.frontStart = 0;
    this.backStart = 0;
    this.byId.clear();
    this.dead = 0;
  }

  /**
   * @private
   * @param {string} id
   * @returns {boolean} whether a row had that id
   */
  remove(id) {
    const entry = this.byId.get(id);
    if (!entry) return false;
    entry.alive = false;
    this.byId.delete(id);
    this.dead += 1;
    this.trim();
    if (this.dead > 64 && this.dead > this.byId.size) this.flatten();
    return true;
  }

  /**
   * @private Remove the first (or last) row.
   * @param {boolean} first
   * @returns {string} its DOM id
   */
  pop(first) {
    const entry = /** @type {Entry} */ (this.edge(first));
    this.remove(entry.id);
    return entry.id;
  }

  /**
   * @private The first (or last) live row, dead entries at that end dropped on the way.
   * @param {boolean} first
   * @returns {Entry | null}
   */
  edge(first) {
    this.trim();
    // `front` holds the first rows (first last); `back` the last rows. Either may be empty.
    if (first) {
      if (this.front.length > this.frontStart) return /** @type {Entry} */ (this.front.at(-1));
      return this.back[this.backStart] ?? null;
    }
    if (this.back.length > this.backStart) return /** @type {Entry} */ (this.back.at(-1));
    return this.front[this.frontStart] ?? null;
  }

  /** @private Drop the dead entries at the four ends of the two stacks. */
  trim() {
    const front = this.front;
    while (front.length > this.frontStart && !(/** @type {Entry} */ (front.at(-1)).alive)) this.drop(front.pop());
    while (this.frontStart < front.length && !front[this.frontStart].alive) this.drop(front[this.frontStart++]);
    if (this.frontStart === front.length) front.length = this.frontStart = 0;
    const back = this.back;
    while (back.length > this.backStart && !(/** @type {Entry} */ (back.at(-1)).alive)) this.drop(back.pop());
    while (this.backStart < back.length && !back[this.backStart].alive) this.drop(back[this.backStart++]);
    if (this.backStart === back.length) back.length = this.backStart = 0;
    // Entries skipped at the bottom of a stack are garbage: drop them once they are half of it.
    if (this.frontStart > 64 && this.frontStart * 2 > front.length) {
      this.front = front.slice(this.frontStart);
      this.frontStart = 0;
    }
    if (this.backStart > 64 && this.backStart * 2 > back.length) {
      this.back = back.slice(this.backStart);
      this.backStart = 0;
    }
  }

  /** @private @param {Entry | undefined} _entry a dead entry left behind */
  drop(_entry) {
    this.dead -= 1;
  }

  /**
   * @private The live rows, in order, as the one array `back` (`front` emptied): O(rows).
   * @returns {Entry[]}
   */
  flatten() {
    streamWork.flattened += this.front.length - this.frontStart + this.back.length - this.backStart;
    const live = [];
    for (let i = this.front.length - 1; i >= this.frontStart; i--) if (this.front[i].alive) live.push(this.front[i]);
    for (let i = this.backStart; i < this.back.length; i++) if (this.back[i].alive) live.push(this.back[i]);
    this.front = [];
    this.frontStart = 0;
    this.back = live;
    this.backStart = 0;
    this.dead = 0;
    return live;
  }

  /** @private */
  arrays() {
    if (this.cache.version !== this.version) {
      const live = this.flatten();
      this.cache = { version: this.version, rows: live.map((e) => e.row), ids: live.map((e) => e.id) };
    }
    return this.cache;
  }
}
