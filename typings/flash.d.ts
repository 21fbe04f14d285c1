// Moddable's `flash` module (modules/files/flash/flash.js, esp32/flash.c; SDK typings/flash.d.ts),
// reduced to what hosts/esp32/flash-storage.ts calls. Offsets and sectors are relative to the named
// partition; `read` returns a new ArrayBuffer; `write` takes `byteLength` bytes from `buffer`;
// `erase(sector)` erases one `blockSize` (4096-byte) sector. On the ESP32 a write ANDs bits into the
// cells (NOR flash), which is what the outbox and the history expect.

declare module "flash" {
  class Flash {
    /** A data partition by name from the partition table (e.g. "storage"), or "xs", "running", "nextota". */
    constructor(partition: string);
    erase(sector: number): void;
    read(offset: number, byteLength: number): ArrayBuffer;
    write(offset: number, byteLength: number, buffer: ArrayBuffer): void;
    readonly byteLength: number;
    readonly blockSize: number;
  }
  export { Flash as default };
}
