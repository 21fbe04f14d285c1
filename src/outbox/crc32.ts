// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320): the checksum of every outbox record.
// A 16-entry (nibble) table: 64 bytes of RAM instead of the classic 1 KB, and two lookups per byte
// instead of eight shift-and-xor steps, which matters when XS re-checks the whole partition at boot.

const NIBBLE_TABLE = new Uint32Array(16);
for (let n = 0; n < 16; n++) {
  let c = n;
  for (let k = 0; k < 4; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  NIBBLE_TABLE[n] = c >>> 0;
}

/** The register value to start a CRC with. */
export const CRC32_START = 0xffffffff;

/** Feeds `bytes[from, to)` into a running CRC register (start with CRC32_START). */
export function crc32Update(crc: number, bytes: Uint8Array, from = 0, to = bytes.length): number {
  for (let i = from; i < to; i++) {
    crc ^= bytes[i];
    crc = (crc >>> 4) ^ NIBBLE_TABLE[crc & 15];
    crc = (crc >>> 4) ^ NIBBLE_TABLE[crc & 15];
  }
  return crc >>> 0;
}

/** The final CRC-32 value of a register. */
export function crc32Finish(crc: number): number {
  return (crc ^ 0xffffffff) >>> 0;
}

/** CRC-32 of a whole array (the check value of "123456789" is 0xCBF43926). */
export function crc32(bytes: Uint8Array): number {
  return crc32Finish(crc32Update(CRC32_START, bytes));
}
