// The byte store the durable outbox lives in, engine-neutral. One contract fits a raw ESP32 flash
// partition (erase 4 KB sectors, program bytes that can only clear bits) and a file (LittleFS on the
// device, an ordinary file on Node), because the outbox promises to use it only in ways both honour.

/**
 * A fixed-size byte store divided into erase blocks.
 *
 * What the outbox promises (so NOR flash and files behave the same):
 * - It writes only bytes that are erased (0xFF since the last `erase` of their block), plus one
 *   "obsolete" byte per block header that it changes from 0xFF to 0x00. On flash a write ANDs the
 *   new bits into the cell; on a file it overwrites; for these two cases the result is identical.
 * - It never relies on a write being atomic. Recovery assumes only that a write interrupted by a
 *   power loss stored a prefix of its bytes in order (bytes after the cut keep their old value),
 *   and that an interrupted erase left the block in any state; checksums catch the rest.
 * - It calls `flush` (when present) at every commit point: before a public call returns, and
 *   before it erases a block whose contents it has just copied elsewhere.
 *
 * What a host must provide:
 * - `size` a multiple of `blockSize`; at least 3 blocks; `blockSize` at most 32768.
 * - `erase` sets every byte of whole blocks to 0xFF (`offset` and `length` are block-aligned).
 * - A file host emulates erase by writing 0xFF and should make `flush` durable (fsync / LittleFS
 *   sync); a flash host needs no `flush`. Moddable's `flash` module maps directly:
 *   `read` = `flash.read`, `write` = `flash.write`, `erase` = `flash.erase(sector)` per block.
 */
export interface Storage {
  /** Total bytes. */
  readonly size: number;
  /** Erase granularity in bytes (4096 on ESP32 flash; a file host may choose any, e.g. 4096). */
  readonly blockSize: number;
  /** Fills all of `into` with the bytes at `offset`. Throws if the range is outside the store. */
  read(offset: number, into: Uint8Array): void;
  /** Programs `data` at `offset` (see the promises above). */
  write(offset: number, data: Uint8Array): void;
  /** Sets `[offset, offset + length)` to 0xFF; both block-aligned. */
  erase(offset: number, length: number): void;
  /** Makes every earlier write and erase durable. Optional: raw flash is durable on return. */
  flush?(): void;
}
