// The readings history: a ring of fixed-size records in a Storage region (raw flash or a file), the
// source of the report's CSV attachment and readings list. The oldest block is erased and reused
// when the ring wraps.
//
// RECORD (16 bytes, little-endian): seq u32 | time u32 (s) | value f32 | source u8 | 0 u8 | check u16
//   check = low 16 bits of the CRC-32 of the first 14 bytes. An all-0xFF slot is blank.
//   Record `seq` lives in slot seq % capacity, so the ring needs no index: a slot holds record s only
//   if its stored seq is s and its check matches; anything else (older lap, torn write, erased) is
//   not there.
//
// CAPACITY: storage.size / 16 slots (4096 in a 64 KB region). Entering a block erases it first, so the
//   newest capacity - slotsPerBlock records (3840 with 4 KB blocks) are always kept.
//
// WRITES AND RESETS: records are only ever written into blank slots (flash can only clear bits). A
//   reset mid-write leaves a torn slot: the next append sees it is not blank and skips it. A reset
//   mid-erase leaves a block in any state: the next append into it finds it not blank and erases again.
//   The head (next seq) is recovered from a hint the app persists (its state), then by scanning forward
//   over records written after the hint was saved; without a hint, by a full scan for the highest seq.
//
// BOUNDS: 16 bytes of record scratch and a 256-byte scan buffer; nothing grows with the record count.

import type { Storage } from "../host/storage";
import { CRC32_START, crc32Finish, crc32Update } from "../outbox/crc32";

export const RECORD_SIZE = 16;
const SCAN_CHUNK = 256;

/** One record as read back. Reused by the caller (no allocation per record). */
export interface HistoryRecord {
  seq: number;
  time: number;
  value: number;
  source: number;
}

export function newRecord(): HistoryRecord {
  return { seq: 0, time: 0, value: 0, source: 0 };
}

export class ReadingHistory {
  /** Slots in the ring. */
  readonly capacity: number;
  readonly #storage: Storage;
  readonly #perBlock: number;
  readonly #slot = new Uint8Array(RECORD_SIZE);
  readonly #view: DataView;
  readonly #scan = new Uint8Array(SCAN_CHUNK);
  #nextSeq = 0;

  /** `hintNextSeq`: the next seq the app saved last time (undefined: unknown, scan everything). */
  constructor(storage: Storage, hintNextSeq?: number) {
    if (storage.blockSize % RECORD_SIZE !== 0 || storage.size % storage.blockSize !== 0 || storage.size < 2 * storage.blockSize) {
      throw new RangeError("history storage: need at least 2 blocks, each a multiple of 16 bytes");
    }
    this.#storage = storage;
    this.capacity = storage.size / RECORD_SIZE;
    this.#perBlock = storage.blockSize / RECORD_SIZE;
    this.#view = new DataView(this.#slot.buffer);
    this.#nextSeq = hintNextSeq === undefined ? this.#scanAll() : hintNextSeq >>> 0;
    // Records appended after the hint was saved (a reset before the app saved its state).
    const probe = newRecord();
    for (let guard = 0; guard < this.capacity && this.read(this.#nextSeq, probe); guard++) this.#nextSeq++;
  }

  /** The seq the next append gets; records [nextSeq - capacity, nextSeq) may still be stored. */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  /** Lowest seq that may still be stored. */
  get oldestSeq(): number {
    return Math.max(0, this.#nextSeq - this.capacity);
  }

  /** Stores one reading; returns its seq. */
  append(time: number, source: number, value: number): number {
    const storage = this.#storage;
    for (let guard = 0; guard <= this.#perBlock; guard++) {
      const seq = this.#nextSeq;
      const slot = seq % this.capacity;
      if (slot % this.#perBlock === 0) {
        const block = slot / this.#perBlock;
        if (!this.#blank(block * storage.blockSize, storage.blockSize)) storage.erase(block * storage.blockSize, storage.blockSize);
      } else if (!this.#blank(slot * RECORD_SIZE, RECORD_SIZE)) {
        this.#nextSeq = seq + 1; // torn by a reset: never program over it
        continue;
      }
      this.#encode(seq, time, source, value);
      storage.write(slot * RECORD_SIZE, this.#slot);
      if (storage.flush) storage.flush();
      this.#nextSeq = seq + 1;
      return seq;
    }
    throw new RangeError("history: no writable slot");
  }

  /** Reads record `seq` into `out`; false when it is no longer (or not yet) stored intact. */
  read(seq: number, out: HistoryRecord): boolean {
    if (seq < 0 || seq >= this.#nextSeq + this.capacity) return false;
    const slot = seq % this.capacity;
    this.#storage.read(slot * RECORD_SIZE, this.#slot);
    return this.#decode(out) && out.seq === seq;
  }

  #encode(seq: number, time: number, source: number, value: number): void {
    const v = this.#view;
    v.setUint32(0, seq, true);
    v.setUint32(4, Math.max(0, Math.min(Math.floor(time), 0xffffffff)), true);
    v.setFloat32(8, value, true);
    v.setUint8(12, source);
    v.setUint8(13, 0);
    v.setUint16(14, checkOf(this.#slot, 0), true);
  }

  /** Decodes the record in the slot scratch; false when blank or its check fails. */
  #decode(out: HistoryRecord): boolean {
    const bytes = this.#slot;
    let blank = true;
    for (let i = 0; i < RECORD_SIZE && blank; i++) blank = bytes[i] === 0xff;
    if (blank) return false;
    const v = this.#view;
    if (v.getUint16(14, true) !== checkOf(bytes, 0)) return false;
    out.seq = v.getUint32(0, true);
    out.time = v.getUint32(4, true);
    out.value = v.getFloat32(8, true);
    out.source = v.getUint8(12);
    return true;
  }

  #blank(offset: number, length: number): boolean {
    const scan = this.#scan;
    for (let done = 0; done < length; ) {
      const n = Math.min(scan.length, length - done);
      const piece = scan.subarray(0, n);
      this.#storage.read(offset + done, piece);
      for (let i = 0; i < n; i++) if (piece[i] !== 0xff) return false;
      done += n;
    }
    return true;
  }

  /** The next seq after the highest intact record whose seq matches its slot; 0 on a blank store. */
  #scanAll(): number {
    const scan = this.#scan;
    const record = newRecord();
    let next = 0;
    for (let offset = 0; offset < this.#storage.size; offset += SCAN_CHUNK) {
      const n = Math.min(SCAN_CHUNK, this.#storage.size - offset);
      this.#storage.read(offset, scan.subarray(0, n));
      for (let at = 0; at + RECORD_SIZE <= n; at += RECORD_SIZE) {
        for (let i = 0; i < RECORD_SIZE; i++) this.#slot[i] = scan[at + i];
        if (!this.#decode(record)) continue;
        if (record.seq % this.capacity !== (offset + at) / RECORD_SIZE) continue;
        if (record.seq + 1 > next) next = record.seq + 1;
      }
    }
    return next;
  }
}

function checkOf(bytes: Uint8Array, at: number): number {
  return crc32Finish(crc32Update(CRC32_START, bytes, at, at + 14)) & 0xffff;
}
