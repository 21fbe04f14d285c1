// The durable outbox: alarms and reports queued in a Storage (raw flash or a file) until the mailer
// confirms delivery, surviving a reset or power loss at any byte of any write.
//
// ON-STORAGE FORMAT (all integers little-endian; numbers live in format.ts)
//   The store is split into N blocks of `blockSize` bytes (the erase unit: 4 KB on ESP32 flash).
//   A block is either live (valid header, obsolete byte 0xFF) or not (erased, torn or obsolete).
//   Block header, 24 bytes: magic "OBX1" u32 | seq u32 | idFloor u32 | prevEnd u16 | version u16 |
//     CRC-32 of the previous 16 bytes u32 | obsolete u8 (0xFF = live) | 3 bytes 0xFF.
//     seq orders the live blocks into one log (oldest first). idFloor is the next record id at the
//     moment the block was opened, so ids survive even when every record that carried them is gone.
//     prevEnd is where valid entries ended in the block opened just before: garbage before that
//     offset is corruption, garbage after it is the benign tail of a write cut by a power loss.
//   Entries follow the header, 4-byte aligned, never spanning blocks:
//     magic 0x7E51 u16 | type u8 | kind u8 | id u32 | bodyLength u16 | 0 u16 | body | pad | CRC-32 u32
//     The CRC covers header and body and sits last, so an entry is valid only if every byte of it
//     reached storage. Types: MESSAGE (body = meta + payload), SENT (no body), RETRY, DEAD, DROPPED
//     (body = meta) and COUNTERS (four u16 counters). Meta = notBefore u32 | attempts u8 | 0 u8 |
//     last code u16. Sizes: MESSAGE = align4(20 + payload) + 4; SENT 16; the others 24.
//
// WRITES AND WHY THEY ARE SAFE
//   Everything is appended at the head of the newest block; nothing is rewritten except the
//   obsolete byte (0xFF -> 0x00), so flash (bits only cleared) and files behave alike. A state change
//   (sent, failed, dead letter, dropped) is a new small entry; recovery replays the log in order.
//   A new block is opened only when the head is full: erase it if not blank, write its header.
//   One block is always kept free (the reserve) so that compaction can run.
//
// COMPACTION (reclaiming the oldest block O; automatic when room is needed, or `compact()`)
//   1. copy O's pending records, with their current retry state merged in, to the head if they all
//      fit there, else to a freshly opened block (they always fit in one: they fitted in O);
//   2. if O holds counter-changing entries (DEAD, DROPPED, COUNTERS), append one COUNTERS entry with
//      the totals (DEAD/DROPPED/COUNTERS are all 24 bytes, so the copy still fits);
//   3. flush, set O's obsolete byte, erase O.
//   A cut before 3 leaves duplicates with the same id: replay keeps the newest copy. A cut after the
//   obsolete byte leaves a block that is simply not live. If recovery finds no free block at all, a
//   compaction into a fresh block was cut: that newest block holds only copies, so it is abandoned.
//
// RECOVERY (the constructor)
//   Read every block header; order live blocks by seq; scan each block entry by entry, checking CRCs.
//   A bad entry is skipped by resynchronising on the next 4-byte offset whose magic and CRC check out;
//   a bad region followed by a valid entry counts as corruption (stats().corrupt). Replay: MESSAGE
//   inserts or replaces (newest copy wins), SENT/DEAD/DROPPED remove, RETRY updates, COUNTERS sets the
//   counters and later DEAD/DROPPED increment them. The next id is max(idFloor, largest id seen) + 1.
//   If garbage follows the last valid entry of the head (a cut write), the head is sealed and the
//   next append opens a new block, so nothing is ever written over half-programmed bytes.
//
// CAPACITY AND POLICY
//   Pending records are bounded twice: by bytes, budget = (N - 1) * (blockSize - 24 - maxEntry) - 24
//   where maxEntry is a MESSAGE with maxPayload bytes (that budget lets a full rotation of the log
//   always make room, see compactOldest), and by count, maxRecords (the RAM index: 18 bytes each).
//   With 16 blocks of 4 KB (a 64 KB partition) and maxPayload 512: budget 53 016 bytes, e.g. 602
//   records of 64 payload bytes, capped by the default maxRecords of 256 (4.6 KB of RAM).
//   When an append does not fit, the oldest pending REPORTS are dropped (a DROPPED entry each,
//   counted in stats().droppedReports) until it fits. ALARMS are never dropped: if even dropping
//   every report would not make room, nothing is dropped, the append throws OutboxError("full")
//   (retryable) and stats().refusedAlarms (or refusedReports) counts it, durably, so the app can
//   say so in its next email. Nothing is lost silently.
//
// DELIVERY
//   At least once: a record stays pending until markSent (call it on +QSMTPPUT: 0,0). A cut before
//   the SENT entry is durable means the email goes again after reboot, with the same id in its
//   subject. markFailed stores attempts, code and the next retry time (retry.ts); a permanent failure
//   makes the record a dead letter, counted in stats().permanentFailures with its code.
//   Times are seconds on the app's clock (RTC or network time). A retry time further ahead than the
//   longest backoff means the clock went back (power loss without RTC): the record is due at once.
//
// LIMITS (what the design does not cover)
//   - The power-loss model is a write that stores a prefix of its bytes (the byte at the cut may be
//     half-programmed) and an erase that stops part-way. NOR cells that read 0xFF but are weakly
//     programmed are not modelled: the head is sealed after a cut write partly for that reason.
//   - A torn erase that left a reclaimed block's header readable with its obsolete byte back at
//     0xFF would revive the block: its records are old copies, so at worst an email is sent twice
//     (same id). A damaged block header loses that block's entries (counted nowhere: no header).
//   - A bit flip in the last entry of the newest block looks like a cut write (tornWrites).
//   - The id of an append cut before its entry was complete may be reused: no email carried it.
//   - Counters saturate at 65535 (refused reports at 255).
//
// BOUNDS: RAM = index (18 bytes x maxRecords) + per-block arrays (10 bytes x N) + 96 bytes scratch.
// Scratch buffers are fixed; nothing allocates per record except the small PendingRecord returned.

import type { Storage } from "../host/storage";
import { CRC32_START, crc32Finish, crc32Update } from "./crc32";
import { OutboxError } from "./errors";
import * as F from "./format";
import { RecordIndex } from "./record-index";
import { MAX_RETRY_DELAY_SECONDS, RETRY_RULES, retryDelaySeconds } from "./retry";
import type { RetryClass, RetryRule } from "./retry";

export type RecordKind = "alarm" | "report";

/** A pending record as the mailer sees it. Read the payload with `readPayload(id, buffer)`. */
export interface PendingRecord {
  /** Unique, monotonic across resets: put it in the subject so a duplicate is recognisable. */
  readonly id: number;
  readonly kind: RecordKind;
  /** Failed attempts so far. */
  readonly attempts: number;
  /** Not to be tried before this time (seconds, the app's clock); 0 = at once. */
  readonly notBefore: number;
  /** The code of the last failure (0 if none). */
  readonly lastCode: number;
  /** Payload bytes. */
  readonly length: number;
}

export interface OutboxStats {
  pending: number;
  pendingAlarms: number;
  /** Reports dropped to make room, since the last resetCounters. */
  droppedReports: number;
  /** Records that became dead letters, since the last resetCounters. */
  permanentFailures: number;
  /** The code of the most recent permanent failure (0 if none). */
  lastPermanentCode: number;
  /** Appends refused for lack of room (only alarms were left), since the last resetCounters. */
  refusedAlarms: number;
  /** Appends of reports refused (the outbox was full of alarms), since the last resetCounters. */
  refusedReports: number;
  /** Damaged entries skipped by the last recovery (bit rot, not cut writes). Not persisted. */
  corrupt: number;
  /** Writes found cut by a power loss at the last recovery. Not persisted. */
  tornWrites: number;
  /** Records the last recovery could not index (maxRecords lowered since they were written). */
  lostOnRecovery: number;
  /** Bytes of pending records and the most they may take. */
  usedBytes: number;
  budgetBytes: number;
  /** Records the index can still take. */
  freeSlots: number;
}

/** Result of markFailed. */
export interface FailureOutcome {
  /** True: the record will not be retried (permanent class). */
  readonly dead: boolean;
  /** When it may be tried again (seconds); meaningless when dead. */
  readonly notBefore: number;
}

export interface OutboxOptions {
  storage: Storage;
  /** Jitter source for retry delays, returning [0, 1). Injected so tests are deterministic. */
  random: () => number;
  /** Largest payload accepted (bytes). Default 512: a reading set or an alarm text, not a file. */
  maxPayload?: number;
  /** Pending records the RAM index can hold. Default 256 (4.6 KB of RAM). */
  maxRecords?: number;
  retryRules?: Readonly<Record<RetryClass, RetryRule>>;
}

const SCAN_STEP = 4;
const MAX_BLOCK_SIZE = 32768; // offsets and prevEnd are u16
const U16_MAX = 0xffff;

export class Outbox {
  readonly #storage: Storage;
  readonly #random: () => number;
  readonly #rules: Readonly<Record<RetryClass, RetryRule>>;
  readonly #blockSize: number;
  readonly #blocks: number;
  readonly #maxPayload: number;
  readonly #budget: number;
  readonly #index: RecordIndex;

  // Per-block state, allocated once.
  readonly #live: Uint8Array;
  readonly #seq: Uint32Array;
  readonly #prevEnd: Uint16Array;
  /** Bytes of pending records whose newest copy is in the block. */
  readonly #liveBytes: Uint16Array;
  /** The block holds a DEAD, DROPPED or COUNTERS entry: compaction must carry the counters. */
  readonly #carriesCounters: Uint8Array;

  #head = -1;
  #headPos = 0;
  /** End of the last valid entry in the head (differs from headPos once the head is sealed). */
  #headValidEnd = 0;
  #nextId = 1;
  #nextSeq = 1;
  #usedBytes = 0;

  #dropped = 0;
  #permanent = 0;
  #refusedAlarms = 0;
  #refusedReports = 0;
  #lastPermanentCode = 0;
  #corrupt = 0;
  #tornWrites = 0;
  #lostOnRecovery = 0;

  // Scratch: entry header + meta (+ CRC), copy/scan chunks. 96 bytes in all.
  readonly #head24 = new Uint8Array(32);
  readonly #chunk = new Uint8Array(64);
  // Fields of the entry last validated by #checkEntry.
  #eType = 0;
  #eKind = 0;
  #eId = 0;
  #eBodyLength = 0;

  constructor(options: OutboxOptions) {
    const storage = options.storage;
    this.#storage = storage;
    this.#random = options.random;
    this.#rules = options.retryRules ?? RETRY_RULES;
    this.#blockSize = storage.blockSize;
    this.#blocks = Math.floor(storage.size / storage.blockSize);
    this.#maxPayload = options.maxPayload ?? 512;
    const maxEntry = F.entrySize(F.META_SIZE + this.#maxPayload);
    const data = this.#blockSize - F.BLOCK_HEADER_SIZE;
    this.#budget = (this.#blocks - 1) * (data - maxEntry) - F.SMALL_ENTRY_SIZE;
    if (this.#blockSize % 4 !== 0 || this.#blockSize > MAX_BLOCK_SIZE || this.#blocks < 3) {
      throw new OutboxError("storage-layout", "need at least 3 blocks of at most 32 KB", false);
    }
    if (data - maxEntry < F.SMALL_ENTRY_SIZE || this.#budget < maxEntry) {
      throw new OutboxError("storage-layout", "blocks too small for maxPayload", false);
    }
    this.#index = new RecordIndex(options.maxRecords ?? 256);
    this.#live = new Uint8Array(this.#blocks);
    this.#seq = new Uint32Array(this.#blocks);
    this.#prevEnd = new Uint16Array(this.#blocks);
    this.#liveBytes = new Uint16Array(this.#blocks);
    this.#carriesCounters = new Uint8Array(this.#blocks);
    this.#recover();
  }

  // ---- public API -------------------------------------------------------------------------------

  /**
   * Queues a record durably and returns its id. Drops the oldest reports when room is short; throws
   * OutboxError "full" (nothing written but the refusal count) when only alarms are left.
   */
  append(kind: RecordKind, payload: Uint8Array): number {
    if (payload.length > this.#maxPayload) {
      throw new OutboxError("payload-too-large", `payload over ${this.#maxPayload} bytes`, false);
    }
    const size = F.entrySize(F.META_SIZE + payload.length);
    const index = this.#index;
    // Refuse before dropping anything when even dropping every report would not make room:
    // reports must not be lost for an append that fails anyway.
    let reportBytes = 0;
    let reports = 0;
    for (let i = 0; i < index.count; i++) {
      if (index.kind[i] !== F.KIND_REPORT) continue;
      reports++;
      reportBytes += F.entrySize(F.META_SIZE + index.payloadLength[i]);
    }
    if (this.#usedBytes - reportBytes + size > this.#budget || index.count - reports >= index.capacity) {
      if (kind === "alarm") this.#refusedAlarms = Math.min(this.#refusedAlarms + 1, U16_MAX);
      else this.#refusedReports = Math.min(this.#refusedReports + 1, U16_MAX);
      this.#appendCounters();
      this.#flush();
      throw new OutboxError("full", "outbox full of alarms; nothing may be dropped", true);
    }
    while (this.#usedBytes + size > this.#budget || index.count >= index.capacity) {
      this.#dropRecord(this.#oldestReport());
    }
    const id = this.#nextId;
    this.#nextId = (id + 1) >>> 0;
    this.#ensureRoom(size);
    const block = this.#head;
    const at = this.#headPos;
    this.#writeEntry(F.TYPE_MESSAGE, kind === "alarm" ? F.KIND_ALARM : F.KIND_REPORT, id, 0, 0, 0, payload, -1, payload.length);
    const slot = index.insert(id);
    index.kind[slot] = kind === "alarm" ? F.KIND_ALARM : F.KIND_REPORT;
    index.notBefore[slot] = 0;
    index.attempts[slot] = 0;
    index.code[slot] = 0;
    index.payloadLength[slot] = payload.length;
    index.location[slot] = block * 65536 + at;
    this.#liveBytes[block] += size;
    this.#usedBytes += size;
    this.#flush();
    return id;
  }

  /** The first record due at `now`: alarms before reports, each oldest (lowest id) first. */
  peek(now: number): PendingRecord | undefined {
    const index = this.#index;
    let report = -1;
    for (let i = 0; i < index.count; i++) {
      if (!this.#isDue(i, now)) continue;
      if (index.kind[i] === F.KIND_ALARM) return this.#describe(i);
      if (report < 0) report = i;
    }
    return report >= 0 ? this.#describe(report) : undefined;
  }

  /** Alias of peek, for a `while ((r = outbox.next(now)))` send loop. */
  next(now: number): PendingRecord | undefined {
    return this.peek(now);
  }

  /**
   * When the next pending record becomes due (seconds; `now` if one is due already), or -1 when
   * nothing is pending: the app's wake-up time for the next modem session.
   */
  nextDueAt(now: number): number {
    const index = this.#index;
    let earliest = -1;
    for (let i = 0; i < index.count; i++) {
      const at = this.#isDue(i, now) ? now : index.notBefore[i];
      if (earliest < 0 || at < earliest) earliest = at;
    }
    return earliest;
  }

  /** Calls `visit` for every pending record, due or not, in id order (status listings, tests). */
  forEachPending(visit: (record: PendingRecord) => void): void {
    const index = this.#index;
    for (let i = 0; i < index.count; i++) visit(this.#describe(i));
  }

  /** The pending record `id`, due or not. */
  get(id: number): PendingRecord | undefined {
    const slot = this.#index.find(id);
    return slot < 0 ? undefined : this.#describe(slot);
  }

  /**
   * Copies the payload of `id` into `into` after re-checking its CRC; returns its length.
   * Throws "unknown-id", "buffer-too-small" or "corrupt" (the stored bytes changed since boot).
   */
  readPayload(id: number, into: Uint8Array): number {
    const slot = this.#index.find(id);
    if (slot < 0) throw new OutboxError("unknown-id", `record ${id} is not pending`, false);
    const length = this.#index.payloadLength[slot];
    if (into.length < length) throw new OutboxError("buffer-too-small", `need ${length} bytes`, false);
    const location = this.#index.location[slot];
    const block = Math.floor(location / 65536);
    const at = location % 65536;
    if (this.#checkEntry(block, at) === 0 || this.#eId !== id || this.#eType !== F.TYPE_MESSAGE) {
      throw new OutboxError("corrupt", `record ${id} fails its checksum`, false);
    }
    const view = into.subarray(0, length);
    this.#storage.read(block * this.#blockSize + at + F.ENTRY_HEADER_SIZE + F.META_SIZE, view);
    return length;
  }

  /** Delivery confirmed (`+QSMTPPUT: 0,0`): the record is done. False if it was not pending. */
  markSent(id: number): boolean {
    if (this.#index.find(id) < 0) return false;
    this.#ensureRoom(F.SENT_ENTRY_SIZE);
    const slot = this.#index.find(id); // compaction may have dropped it as corrupt
    if (slot < 0) return false;
    this.#writeEntry(F.TYPE_SENT, 0, id, 0, 0, 0, undefined, -1, -1);
    this.#removeRecord(slot);
    this.#flush();
    return true;
  }

  /**
   * A delivery attempt failed. Stores attempts, code and the next retry time, or makes the record
   * a dead letter when the class never retries. Undefined if `id` was not pending.
   */
  markFailed(id: number, retryClass: RetryClass, code: number, now: number): FailureOutcome | undefined {
    const index = this.#index;
    let slot = index.find(id);
    if (slot < 0) return undefined;
    const attempts = Math.min(index.attempts[slot] + 1, 255);
    const delay = retryDelaySeconds(this.#rules, retryClass, attempts, this.#random);
    const safeCode = code & U16_MAX;
    this.#ensureRoom(F.SMALL_ENTRY_SIZE);
    slot = index.find(id); // compaction may have dropped it as corrupt
    if (slot < 0) return undefined;
    if (delay < 0) {
      this.#writeEntry(F.TYPE_DEAD, 0, id, 0, attempts, safeCode, undefined, -1, -1);
      this.#carriesCounters[this.#head] = 1;
      this.#removeRecord(slot);
      this.#permanent = Math.min(this.#permanent + 1, U16_MAX);
      this.#lastPermanentCode = safeCode;
      this.#flush();
      return { dead: true, notBefore: 0 };
    }
    const notBefore = Math.min(Math.floor(now) + delay, 0xffffffff);
    this.#writeEntry(F.TYPE_RETRY, 0, id, notBefore, attempts, safeCode, undefined, -1, -1);
    index.attempts[slot] = attempts;
    index.notBefore[slot] = notBefore;
    index.code[slot] = safeCode;
    this.#flush();
    return { dead: false, notBefore };
  }

  stats(): OutboxStats {
    const index = this.#index;
    let alarms = 0;
    for (let i = 0; i < index.count; i++) if (index.kind[i] === F.KIND_ALARM) alarms++;
    return {
      pending: index.count,
      pendingAlarms: alarms,
      droppedReports: this.#dropped,
      permanentFailures: this.#permanent,
      lastPermanentCode: this.#lastPermanentCode,
      refusedAlarms: this.#refusedAlarms,
      refusedReports: this.#refusedReports,
      corrupt: this.#corrupt,
      tornWrites: this.#tornWrites,
      lostOnRecovery: this.#lostOnRecovery,
      usedBytes: this.#usedBytes,
      budgetBytes: this.#budget,
      freeSlots: index.capacity - index.count,
    };
  }

  /**
   * Subtracts a stats() snapshot from the persistent counters, once the report that carried them
   * has been delivered; events counted after the snapshot are kept.
   */
  resetCounters(reported: OutboxStats): void {
    this.#dropped = Math.max(0, this.#dropped - reported.droppedReports);
    this.#permanent = Math.max(0, this.#permanent - reported.permanentFailures);
    this.#refusedAlarms = Math.max(0, this.#refusedAlarms - reported.refusedAlarms);
    this.#refusedReports = Math.max(0, this.#refusedReports - reported.refusedReports);
    if (this.#permanent === 0) this.#lastPermanentCode = 0;
    this.#appendCounters();
    this.#flush();
  }

  /**
   * Reclaims blocks from the oldest while at most half of the oldest block is still pending (sent
   * and failed entries are dead weight). Returns the number of blocks erased. Call it before sleep:
   * each reclaimed block costs one erase.
   */
  compact(): number {
    const half = (this.#blockSize - F.BLOCK_HEADER_SIZE) >> 1;
    let reclaimed = 0;
    for (let guard = 0; guard < this.#blocks; guard++) {
      const oldest = this.#oldestBlock();
      if (oldest < 0 || this.#liveBytes[oldest] > half) break;
      this.#compactBlock(oldest);
      reclaimed++;
    }
    this.#flush();
    return reclaimed;
  }

  // ---- records ----------------------------------------------------------------------------------

  #isDue(slot: number, now: number): boolean {
    const notBefore = this.#index.notBefore[slot];
    return notBefore <= now || notBefore - now > MAX_RETRY_DELAY_SECONDS;
  }

  #describe(slot: number): PendingRecord {
    const index = this.#index;
    return {
      id: index.ids[slot],
      kind: index.kind[slot] === F.KIND_ALARM ? "alarm" : "report",
      attempts: index.attempts[slot],
      notBefore: index.notBefore[slot],
      lastCode: index.code[slot],
      length: index.payloadLength[slot],
    };
  }

  #oldestReport(): number {
    const index = this.#index;
    for (let i = 0; i < index.count; i++) if (index.kind[i] === F.KIND_REPORT) return i;
    return -1;
  }

  #dropRecord(slot: number): void {
    const id = this.#index.ids[slot];
    this.#ensureRoom(F.SMALL_ENTRY_SIZE);
    const current = this.#index.find(id);
    if (current < 0) return; // compaction dropped it as corrupt: room was made anyway
    this.#writeEntry(F.TYPE_DROPPED, 0, id, 0, 0, 0, undefined, -1, -1);
    this.#carriesCounters[this.#head] = 1;
    this.#removeRecord(current);
    this.#dropped = Math.min(this.#dropped + 1, U16_MAX);
  }

  #removeRecord(slot: number): void {
    const index = this.#index;
    const size = F.entrySize(F.META_SIZE + index.payloadLength[slot]);
    this.#liveBytes[Math.floor(index.location[slot] / 65536)] -= size;
    this.#usedBytes -= size;
    index.remove(slot);
  }

  #appendCounters(): void {
    this.#ensureRoom(F.SMALL_ENTRY_SIZE);
    this.#writeEntry(F.TYPE_COUNTERS, 0, 0, 0, 0, 0, undefined, -1, -1);
    this.#carriesCounters[this.#head] = 1;
  }

  // ---- space ------------------------------------------------------------------------------------

  #freeBlocks(): number {
    let free = 0;
    for (let b = 0; b < this.#blocks; b++) if (!this.#live[b]) free++;
    return free;
  }

  /**
   * Makes room for `size` bytes at the head. Opens a new block while two are free (one stays in
   * reserve), else compacts the oldest block. The budget in the constructor bounds the loop: once
   * every block has been compacted, pending data is packed so that blocks are at least
   * (data - maxEntry) full, and the budget leaves one such block's worth free.
   */
  #ensureRoom(size: number): void {
    for (let guard = 0; ; guard++) {
      if (this.#head >= 0 && this.#headPos + size <= this.#blockSize) return;
      const free = this.#freeBlocks();
      if (free >= 2 || (this.#head < 0 && free >= 1)) {
        this.#openBlock();
        continue;
      }
      const oldest = this.#oldestBlock();
      if (guard > 2 * this.#blocks || oldest < 0) {
        throw new OutboxError("no-room", "compaction could not make room", true);
      }
      this.#compactBlock(oldest);
    }
  }

  /** The live block with the lowest seq, other than the head; -1 if none. */
  #oldestBlock(): number {
    let oldest = -1;
    for (let b = 0; b < this.#blocks; b++) {
      if (!this.#live[b] || b === this.#head) continue;
      if (oldest < 0 || this.#seq[b] < this.#seq[oldest]) oldest = b;
    }
    return oldest;
  }

  /** Opens the next free block (ring order after the head) as the new head. */
  #openBlock(): void {
    const n = this.#blocks;
    let target = -1;
    for (let k = 1; k <= n; k++) {
      const b = (Math.max(this.#head, -1) + k + n) % n;
      if (!this.#live[b]) {
        target = b;
        break;
      }
    }
    if (target < 0) throw new OutboxError("no-room", "no free block", true);
    const base = target * this.#blockSize;
    if (this.#firstNonBlank(target, 0) < this.#blockSize) this.#storage.erase(base, this.#blockSize);
    const h = this.#head24;
    h.fill(0xff);
    F.putU32(h, F.BH_MAGIC, F.BLOCK_MAGIC);
    F.putU32(h, F.BH_SEQ, this.#nextSeq);
    F.putU32(h, F.BH_ID_FLOOR, this.#nextId);
    F.putU16(h, F.BH_PREV_END, this.#head >= 0 ? this.#headValidEnd : F.NO_PREV_END);
    F.putU16(h, F.BH_VERSION, F.BLOCK_VERSION);
    F.putU32(h, F.BH_CRC, crc32Finish(crc32Update(CRC32_START, h, 0, F.BH_CRC)));
    this.#storage.write(base, h.subarray(0, F.BH_OBSOLETE));
    this.#live[target] = 1;
    this.#seq[target] = this.#nextSeq;
    this.#nextSeq = (this.#nextSeq + 1) >>> 0;
    this.#liveBytes[target] = 0;
    this.#carriesCounters[target] = 0;
    this.#head = target;
    this.#headPos = F.BLOCK_HEADER_SIZE;
    this.#headValidEnd = F.BLOCK_HEADER_SIZE;
  }

  /**
   * Reclaims `block`: copies its pending records (current retry state merged in) and, if needed,
   * the counters; then marks it obsolete and erases it. Copies go to the head when they all fit,
   * else to a fresh block, where they always fit because they fitted in `block` (and a block that
   * carries counters holds at least one 24-byte entry that is not copied, room for COUNTERS).
   */
  #compactBlock(block: number): void {
    const index = this.#index;
    const carries = this.#carriesCounters[block] === 1;
    const need = this.#liveBytes[block] + (carries ? F.SMALL_ENTRY_SIZE : 0);
    if (need > 0 && this.#headPos + need > this.#blockSize) this.#openBlock();
    for (let i = 0; i < index.count; i++) {
      if (Math.floor(index.location[i] / 65536) !== block) continue;
      if (this.#copyRecord(i)) continue;
      // The stored bytes no longer match their CRC: copying would launder them. Count and drop.
      this.#corrupt++;
      this.#removeRecord(i);
      i--;
    }
    if (carries) {
      this.#writeEntry(F.TYPE_COUNTERS, 0, 0, 0, 0, 0, undefined, -1, -1);
      this.#carriesCounters[this.#head] = 1;
    }
    this.#flush();
    this.#head24[0] = 0;
    this.#storage.write(block * this.#blockSize + F.BH_OBSOLETE, this.#head24.subarray(0, 1));
    this.#flush();
    this.#live[block] = 0;
    this.#liveBytes[block] = 0;
    this.#carriesCounters[block] = 0;
    this.#storage.erase(block * this.#blockSize, this.#blockSize);
  }

  /** Writes a fresh copy of the record in `slot` at the head. False if its source fails its CRC. */
  #copyRecord(slot: number): boolean {
    const index = this.#index;
    const location = index.location[slot];
    const block = Math.floor(location / 65536);
    const at = location % 65536;
    if (this.#checkEntry(block, at) === 0 || this.#eId !== index.ids[slot]) return false;
    const length = index.payloadLength[slot];
    const size = F.entrySize(F.META_SIZE + length);
    const newAt = this.#headPos;
    const source = block * this.#blockSize + at + F.ENTRY_HEADER_SIZE + F.META_SIZE;
    this.#writeEntry(F.TYPE_MESSAGE, index.kind[slot], index.ids[slot], index.notBefore[slot],
      index.attempts[slot], index.code[slot], undefined, source, length);
    this.#liveBytes[block] -= size;
    this.#liveBytes[this.#head] += size;
    index.location[slot] = this.#head * 65536 + newAt;
    return true;
  }

  // ---- entries ----------------------------------------------------------------------------------

  /**
   * Appends one entry at the head (room already ensured). The body is the meta (except for SENT)
   * followed by `payloadLength` bytes from `payload` or, when `copyFrom` >= 0, from storage.
   * Written in order header, body, CRC: a cut anywhere leaves an entry whose CRC cannot match.
   */
  #writeEntry(type: number, kind: number, id: number, notBefore: number, attempts: number, code: number,
    payload: Uint8Array | undefined, copyFrom: number, payloadLength: number): void {
    const storage = this.#storage;
    const h = this.#head24;
    const hasMeta = type !== F.TYPE_SENT;
    const bodyLength = hasMeta ? F.META_SIZE + Math.max(payloadLength, 0) : 0;
    h.fill(0);
    F.putU16(h, F.EH_MAGIC, F.ENTRY_MAGIC);
    h[F.EH_TYPE] = type;
    h[F.EH_KIND] = kind;
    F.putU32(h, F.EH_ID, id);
    F.putU16(h, F.EH_BODY_LENGTH, bodyLength);
    if (type === F.TYPE_COUNTERS) {
      const m = F.ENTRY_HEADER_SIZE;
      F.putU16(h, m + F.C_DROPPED, this.#dropped);
      F.putU16(h, m + F.C_PERMANENT, this.#permanent);
      F.putU16(h, m + F.C_REFUSED, this.#refusedAlarms);
      F.putU16(h, m + F.C_LAST_CODE, this.#lastPermanentCode);
      h[F.EH_KIND] = Math.min(this.#refusedReports, 255); // refused reports ride in the kind byte
    } else if (hasMeta) {
      F.putU32(h, F.ENTRY_HEADER_SIZE + F.M_NOT_BEFORE, notBefore);
      h[F.ENTRY_HEADER_SIZE + F.M_ATTEMPTS] = attempts;
      F.putU16(h, F.ENTRY_HEADER_SIZE + F.M_CODE, code);
    }
    const headerBytes = F.ENTRY_HEADER_SIZE + (hasMeta ? F.META_SIZE : 0);
    const base = this.#head * this.#blockSize + this.#headPos;
    let crc = crc32Update(CRC32_START, h, 0, headerBytes);
    storage.write(base, h.subarray(0, headerBytes));
    if (payload !== undefined && payloadLength > 0) {
      crc = crc32Update(crc, payload, 0, payloadLength);
      storage.write(base + headerBytes, payload.subarray(0, payloadLength));
    } else if (copyFrom >= 0) {
      const chunk = this.#chunk;
      for (let done = 0; done < payloadLength; ) {
        const n = Math.min(chunk.length, payloadLength - done);
        const piece = chunk.subarray(0, n);
        storage.read(copyFrom + done, piece);
        crc = crc32Update(crc, piece);
        storage.write(base + headerBytes + done, piece);
        done += n;
      }
    }
    F.putU32(h, 24, crc32Finish(crc));
    storage.write(base + F.crcOffset(bodyLength), h.subarray(24, 28));
    this.#headPos += F.entrySize(bodyLength);
    this.#headValidEnd = this.#headPos;
  }

  /**
   * Validates the entry at (`block`, `at`): returns its size, or 0 if it is not a whole entry with
   * a matching CRC. On success #eType/#eKind/#eId/#eBodyLength are set and the header and meta are
   * in #head24[0, 20).
   */
  #checkEntry(block: number, at: number): number {
    const bs = this.#blockSize;
    if (at + F.SENT_ENTRY_SIZE > bs) return 0;
    const storage = this.#storage;
    const h = this.#head24;
    const base = block * bs + at;
    const header = h.subarray(0, F.ENTRY_HEADER_SIZE);
    storage.read(base, header);
    if (F.getU16(h, F.EH_MAGIC) !== F.ENTRY_MAGIC) return 0;
    const type = h[F.EH_TYPE];
    const bodyLength = F.getU16(h, F.EH_BODY_LENGTH);
    if (type < F.TYPE_MESSAGE || type > F.TYPE_COUNTERS) return 0;
    if (type === F.TYPE_SENT ? bodyLength !== 0 : type === F.TYPE_MESSAGE ? bodyLength < F.META_SIZE : bodyLength !== F.META_SIZE) return 0;
    const size = F.entrySize(bodyLength);
    if (at + size > bs) return 0;
    let crc = crc32Update(CRC32_START, h, 0, F.ENTRY_HEADER_SIZE);
    if (bodyLength > 0) {
      const meta = h.subarray(F.ENTRY_HEADER_SIZE, F.ENTRY_HEADER_SIZE + F.META_SIZE);
      storage.read(base + F.ENTRY_HEADER_SIZE, meta);
      crc = crc32Update(crc, meta);
      const chunk = this.#chunk;
      for (let done = F.META_SIZE; done < bodyLength; ) {
        const n = Math.min(chunk.length, bodyLength - done);
        const piece = chunk.subarray(0, n);
        storage.read(base + F.ENTRY_HEADER_SIZE + done, piece);
        crc = crc32Update(crc, piece);
        done += n;
      }
    }
    const stored = h.subarray(24, 28);
    storage.read(base + F.crcOffset(bodyLength), stored);
    if (F.getU32(h, 24) !== crc32Finish(crc)) return 0;
    this.#eType = type;
    this.#eKind = h[F.EH_KIND];
    this.#eId = F.getU32(h, F.EH_ID);
    this.#eBodyLength = bodyLength;
    return size;
  }

  /** Offset of the first byte in [`from`, blockSize) of `block` that is not 0xFF; blockSize if none. */
  #firstNonBlank(block: number, from: number): number {
    const bs = this.#blockSize;
    const chunk = this.#chunk;
    for (let at = from; at < bs; ) {
      const n = Math.min(chunk.length, bs - at);
      const piece = chunk.subarray(0, n);
      this.#storage.read(block * bs + at, piece);
      for (let i = 0; i < n; i++) if (piece[i] !== 0xff) return at + i;
      at += n;
    }
    return bs;
  }

  #flush(): void {
    const storage = this.#storage;
    if (storage.flush) storage.flush();
  }

  // ---- recovery ---------------------------------------------------------------------------------

  #recover(): void {
    const n = this.#blocks;
    const h = this.#head24;
    let maxSeq = 0;
    let idFloor = 1;
    let newest = -1;
    for (let b = 0; b < n; b++) {
      const header = h.subarray(0, F.BLOCK_HEADER_SIZE);
      this.#storage.read(b * this.#blockSize, header);
      const valid =
        F.getU32(h, F.BH_MAGIC) === F.BLOCK_MAGIC &&
        F.getU16(h, F.BH_VERSION) === F.BLOCK_VERSION &&
        F.getU32(h, F.BH_CRC) === crc32Finish(crc32Update(CRC32_START, h, 0, F.BH_CRC)) &&
        h[F.BH_OBSOLETE] === 0xff;
      this.#live[b] = valid ? 1 : 0;
      if (!valid) continue;
      const seq = F.getU32(h, F.BH_SEQ);
      this.#seq[b] = seq;
      this.#prevEnd[b] = F.getU16(h, F.BH_PREV_END);
      if (newest < 0 || seq > maxSeq) {
        maxSeq = seq;
        newest = b;
      }
      idFloor = Math.max(idFloor, F.getU32(h, F.BH_ID_FLOOR));
    }
    this.#nextSeq = (maxSeq + 1) >>> 0;
    if (newest >= 0 && this.#freeBlocks() === 0) {
      // Only a compaction into a fresh block fills the reserve, and it frees a block before any
      // other write: the newest block holds nothing but copies of the oldest. Abandon it.
      this.#tornWrites++;
      h[0] = 0;
      this.#storage.write(newest * this.#blockSize + F.BH_OBSOLETE, h.subarray(0, 1));
      this.#flush();
      this.#storage.erase(newest * this.#blockSize, this.#blockSize);
      this.#live[newest] = 0;
    }
    // Replay live blocks in seq order (selection by increasing seq: N is small, no allocation).
    let lastSeq = -1;
    let maxId = 0;
    for (;;) {
      let block = -1;
      for (let b = 0; b < n; b++) {
        if (this.#live[b] && this.#seq[b] > lastSeq && (block < 0 || this.#seq[b] < this.#seq[block])) block = b;
      }
      if (block < 0) break;
      lastSeq = this.#seq[block];
      let successor = -1;
      for (let b = 0; b < n; b++) if (this.#live[b] && this.#seq[b] === lastSeq + 1) successor = b;
      const expectedEnd = successor >= 0 && this.#prevEnd[successor] !== F.NO_PREV_END ? this.#prevEnd[successor] : -1;
      maxId = Math.max(maxId, this.#scanBlock(block, expectedEnd));
    }
    this.#nextId = Math.max(idFloor, (maxId + 1) >>> 0, 1);
    // Derive byte accounting from the index (newest copies only).
    const index = this.#index;
    this.#liveBytes.fill(0);
    this.#usedBytes = 0;
    for (let i = 0; i < index.count; i++) {
      const size = F.entrySize(F.META_SIZE + index.payloadLength[i]);
      this.#liveBytes[Math.floor(index.location[i] / 65536)] += size;
      this.#usedBytes += size;
    }
  }

  /**
   * Replays one block's entries; the last block scanned becomes the head. Returns the largest id
   * seen. `expectedEnd` is where the next block's header says valid entries ended (-1: unknown).
   */
  #scanBlock(block: number, expectedEnd: number): number {
    const bs = this.#blockSize;
    let at = F.BLOCK_HEADER_SIZE;
    let validEnd = at;
    let inGarbage = false;
    let maxId = 0;
    this.#carriesCounters[block] = 0;
    while (at + F.SENT_ENTRY_SIZE <= bs) {
      const size = this.#checkEntry(block, at);
      if (size > 0) {
        if (inGarbage) this.#corrupt++;
        inGarbage = false;
        maxId = Math.max(maxId, this.#eId);
        this.#replayEntry(block, at);
        at += size;
        validEnd = at;
        continue;
      }
      const dirty = this.#firstNonBlank(block, at);
      if (dirty >= bs) break;
      inGarbage = true;
      // Entries start with a non-0xFF magic byte: skip the blank run to the first dirty word.
      at = Math.max(at + SCAN_STEP, dirty & ~3);
    }
    if (!inGarbage && at + F.SENT_ENTRY_SIZE > bs && this.#firstNonBlank(block, at) < bs) inGarbage = true;
    if (inGarbage) {
      if (expectedEnd > validEnd) this.#corrupt++;
      else this.#tornWrites++;
    } else if (expectedEnd > validEnd) {
      this.#corrupt++;
    }
    this.#head = block;
    this.#headValidEnd = validEnd;
    // Never write over bytes a cut write may have half-programmed: seal the block instead.
    this.#headPos = inGarbage ? bs : validEnd;
    return maxId;
  }

  #replayEntry(block: number, at: number): void {
    const index = this.#index;
    const h = this.#head24;
    const m = F.ENTRY_HEADER_SIZE;
    const id = this.#eId;
    switch (this.#eType) {
      case F.TYPE_MESSAGE: {
        let slot = index.find(id);
        if (slot < 0) slot = index.insert(id);
        if (slot < 0) {
          this.#lostOnRecovery++;
          return;
        }
        index.kind[slot] = this.#eKind === F.KIND_ALARM ? F.KIND_ALARM : F.KIND_REPORT;
        index.notBefore[slot] = F.getU32(h, m + F.M_NOT_BEFORE);
        index.attempts[slot] = h[m + F.M_ATTEMPTS];
        index.code[slot] = F.getU16(h, m + F.M_CODE);
        index.payloadLength[slot] = this.#eBodyLength - F.META_SIZE;
        index.location[slot] = block * 65536 + at;
        return;
      }
      case F.TYPE_SENT: {
        const slot = index.find(id);
        if (slot >= 0) index.remove(slot);
        return;
      }
      case F.TYPE_RETRY: {
        const slot = index.find(id);
        if (slot < 0) return;
        index.notBefore[slot] = F.getU32(h, m + F.M_NOT_BEFORE);
        index.attempts[slot] = h[m + F.M_ATTEMPTS];
        index.code[slot] = F.getU16(h, m + F.M_CODE);
        return;
      }
      case F.TYPE_DEAD: {
        const slot = index.find(id);
        if (slot >= 0) index.remove(slot);
        this.#permanent = Math.min(this.#permanent + 1, U16_MAX);
        this.#lastPermanentCode = F.getU16(h, m + F.M_CODE);
        this.#carriesCounters[block] = 1;
        return;
      }
      case F.TYPE_DROPPED: {
        const slot = index.find(id);
        if (slot >= 0) index.remove(slot);
        this.#dropped = Math.min(this.#dropped + 1, U16_MAX);
        this.#carriesCounters[block] = 1;
        return;
      }
      case F.TYPE_COUNTERS: {
        this.#dropped = F.getU16(h, m + F.C_DROPPED);
        this.#permanent = F.getU16(h, m + F.C_PERMANENT);
        this.#refusedAlarms = F.getU16(h, m + F.C_REFUSED);
        this.#lastPermanentCode = F.getU16(h, m + F.C_LAST_CODE);
        this.#refusedReports = this.#eKind;
        this.#carriesCounters[block] = 1;
        return;
      }
    }
  }
}
