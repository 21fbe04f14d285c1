// A port over bytes already in XS, for measuring the AT channel alone: deliver() hands out a piece
// (read() copies it natively, as the ESP32's read(buffer) does), write() discards and counts, and the
// TX space is free again at once. Nothing leaves XS, so the meter sees the channel's work only.
import type { SerialEvents, SerialPort } from "../../src/host/types";

export class StreamPort implements SerialPort {
  events!: SerialEvents;
  written = 0;
  #bytes: Uint8Array = new Uint8Array(0);
  #offset = 0;
  #end = 0;
  open = (events: SerialEvents): SerialPort => {
    this.events = events;
    events.onWritable(128);
    return this;
  };
  deliver(bytes: Uint8Array, start = 0, end = bytes.length): void {
    this.#bytes = bytes;
    this.#offset = start;
    this.#end = end;
    this.events.onReadable(end - start);
  }
  read(into: Uint8Array): number {
    const left = this.#end - this.#offset;
    const n = into.length < left ? into.length : left;
    into.set(this.#bytes.subarray(this.#offset, this.#offset + n));
    this.#offset += n;
    return n;
  }
  write(data: Uint8Array): void {
    this.written += data.length;
    this.events.onWritable(128);
  }
  close(): void {}
}
