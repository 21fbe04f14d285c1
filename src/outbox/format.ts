// The outbox's on-storage layout: byte offsets, entry types and sizes. Described in prose at the top
// of outbox.ts; this file is the single place the numbers live. All integers are little-endian.

/** Block header: magic, seq, idFloor, prevEnd, version, CRC, obsolete flag. */
export const BLOCK_MAGIC = 0x3158424f; // "OBX1" read as a little-endian u32
export const BLOCK_VERSION = 1;
export const BH_MAGIC = 0; // u32
export const BH_SEQ = 4; // u32: order of blocks in the log; a new block gets max + 1
export const BH_ID_FLOOR = 8; // u32: the next record id when the block was opened
export const BH_PREV_END = 12; // u16: where valid entries ended in the block opened before this one
export const BH_VERSION = 14; // u16
export const BH_CRC = 16; // u32: CRC-32 of bytes [0, 16)
export const BH_OBSOLETE = 20; // u8: 0xFF = live; anything else = being reclaimed, ignore the block
export const BLOCK_HEADER_SIZE = 24; // bytes 21..23 stay 0xFF
export const NO_PREV_END = 0xffff;

/** Entry header: magic, type, kind/flags, id, body length, then the body, padding, CRC. */
export const ENTRY_MAGIC = 0x7e51;
export const EH_MAGIC = 0; // u16
export const EH_TYPE = 2; // u8
export const EH_KIND = 3; // u8: record kind for MESSAGE; refused reports (0..255) for COUNTERS; else 0
export const EH_ID = 4; // u32
export const EH_BODY_LENGTH = 8; // u16
export const EH_RESERVED = 10; // u16, written 0
export const ENTRY_HEADER_SIZE = 12;

export const TYPE_MESSAGE = 1; // a record: body = meta + payload
export const TYPE_SENT = 2; // delivery confirmed: the record is done
export const TYPE_RETRY = 3; // a failed attempt: body = meta (notBefore, attempts, code)
export const TYPE_DEAD = 4; // permanent failure: the record is a dead letter (counted, not retried)
export const TYPE_DROPPED = 5; // a report dropped to make room (counted)
export const TYPE_COUNTERS = 6; // absolute counter values, written when counters must be carried

/** Record kinds as stored (EH_KIND). */
export const KIND_ALARM = 1;
export const KIND_REPORT = 2;

/**
 * Meta body shared by MESSAGE (before the payload), RETRY, DEAD and DROPPED: 8 bytes.
 * COUNTERS reuses the same 8 bytes as four u16 counters.
 */
export const M_NOT_BEFORE = 0; // u32: seconds on the app's clock; 0 = at once
export const M_ATTEMPTS = 4; // u8: failed attempts so far (saturates at 255)
export const M_RESERVED = 5; // u8, written 0
export const M_CODE = 6; // u16: the last failure's code
export const META_SIZE = 8;
export const C_DROPPED = 0; // u16 counters, saturating at 0xFFFF
export const C_PERMANENT = 2;
export const C_REFUSED = 4;
export const C_LAST_CODE = 6;

/**
 * Every entry except SENT carries the 8-byte meta, so DEAD, DROPPED and COUNTERS are all 24 bytes.
 * Compaction relies on that: a block holding any counter-changing entry has 24 bytes it will not
 * copy, which is exactly the room for the COUNTERS entry that replaces them.
 */
export const SMALL_ENTRY_SIZE = entrySize(META_SIZE);
export const SENT_ENTRY_SIZE = entrySize(0);

/** Bytes an entry with a body of `bodyLength` occupies: header, body, padding to 4, CRC. */
export function entrySize(bodyLength: number): number {
  return ((ENTRY_HEADER_SIZE + bodyLength + 3) & ~3) + 4;
}

/** Offset of the CRC inside an entry with a body of `bodyLength`. */
export function crcOffset(bodyLength: number): number {
  return (ENTRY_HEADER_SIZE + bodyLength + 3) & ~3;
}

export function getU16(b: Uint8Array, at: number): number {
  return b[at] | (b[at + 1] << 8);
}
export function getU32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}
export function putU16(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
}
export function putU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
}
