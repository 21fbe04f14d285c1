// The SerialPort of src/host/types.ts over the ESP32's `embedded:io/serial`. The driver has no
// software buffer: reads and writes go straight to the UART's 128-byte hardware FIFOs, and write()
// throws "output full" instead of writing part. This adapter keeps the count the driver last
// reported in onWritable, refuses (with a typed error) any write beyond it before the driver can
// throw, reads into the caller's buffer without allocating, and can reopen the UART at a new baud
// rate under the same SerialPort (after AT+IPR) without the AT channel noticing.

import type { OpenSerial, SerialEvents, SerialPort } from "../../src/host/types";
import type { Esp32SerialClass, Esp32SerialDevice } from "./io";

/** The ESP32 UART FIFO size: the most onWritable ever reports and the most one read returns. */
export const UART_FIFO_BYTES = 128;

export type SerialErrorKind = "output-full" | "closed" | "not-open" | "reopen-failed";

export class SerialError extends Error {
  readonly kind: SerialErrorKind;
  constructor(kind: SerialErrorKind, detail: string) {
    super(`serial ${kind}: ${detail}`);
    this.name = "SerialError";
    this.kind = kind;
  }
}

export interface UartSettings {
  /** UART number: 1 or 2 (0 carries the debugger on Moddable's ESP32 builds). */
  port: number;
  /** GPIO that receives from the modem's TXD. */
  receive: number;
  /** GPIO that transmits to the modem's RXD. */
  transmit: number;
  baud: number;
}

/**
 * One UART for the life of the program. `open` is what AtChannel takes; `setBaud` moves the UART to
 * a new rate (close and reconstruct: the ESP32 driver has no baud setter) keeping the same port object.
 */
export class Esp32SerialLink {
  readonly #Serial: Esp32SerialClass;
  readonly #settings: UartSettings;
  #port: Esp32Port | undefined;

  constructor(Serial: Esp32SerialClass, settings: UartSettings) {
    this.#Serial = Serial;
    this.#settings = { ...settings };
  }

  get baud(): number {
    return this.#settings.baud;
  }

  readonly open: OpenSerial = (events) => {
    if (this.#port && !this.#port.closed) throw new SerialError("closed", "the UART is already open");
    this.#port = new Esp32Port(this.#Serial, this.#settings, events);
    return this.#port;
  };

  /** Reopens the open port at `baud`. Bytes still in the FIFOs are lost: call it between commands. */
  setBaud(baud: number): void {
    this.#settings.baud = baud;
    if (this.#port && !this.#port.closed) this.#port.reopen(this.#settings);
  }

  /** Counters for diagnostics. */
  get stats(): SerialStats {
    return this.#port ? this.#port.stats : { bytesIn: 0, bytesOut: 0, refusedWrites: 0, reopens: 0 };
  }
}

export interface SerialStats {
  bytesIn: number;
  bytesOut: number;
  /** Writes refused because they exceeded the reported writable count (a caller bug). */
  refusedWrites: number;
  reopens: number;
}

class Esp32Port implements SerialPort {
  readonly stats: SerialStats = { bytesIn: 0, bytesOut: 0, refusedWrites: 0, reopens: 0 };
  readonly #Serial: Esp32SerialClass;
  readonly #events: SerialEvents;
  #device: Esp32SerialDevice | undefined;
  /** Free TX FIFO space as last reported by the driver, less what we wrote since. */
  #writable = 0;
  closed = false;

  constructor(Serial: Esp32SerialClass, settings: UartSettings, events: SerialEvents) {
    this.#Serial = Serial;
    this.#events = events;
    this.#device = this.#construct(settings);
  }

  #construct(settings: UartSettings): Esp32SerialDevice {
    // The callbacks close over this port, not the device: after a reopen, a late callback from the
    // old device (already queued as a message) is ignored by the `device !== this.#device` check.
    let device: Esp32SerialDevice | undefined;
    device = new this.#Serial({
      port: settings.port,
      receive: settings.receive,
      transmit: settings.transmit,
      baud: settings.baud,
      format: "buffer",
      onReadable: (count) => {
        if (device === this.#device && !this.closed) this.#events.onReadable(count);
      },
      onWritable: (count) => {
        if (device !== this.#device || this.closed) return;
        // The driver reports the free FIFO space, an absolute count, not an increment.
        this.#writable = count;
        this.#events.onWritable(count);
      },
    });
    return device;
  }

  read(into: Uint8Array): number {
    const device = this.#device;
    if (!device) throw new SerialError("not-open", "read");
    if (into.length === 0) return 0; // the ESP32 driver throws "invalid" for an empty buffer
    // The ESP32 driver returns undefined, not 0, when the FIFO is empty.
    const n = device.read(into) ?? 0;
    this.stats.bytesIn += n;
    return n;
  }

  write(data: Uint8Array): void {
    const device = this.#device;
    if (!device) throw new SerialError("not-open", "write");
    if (data.length > this.#writable) {
      this.stats.refusedWrites++;
      throw new SerialError("output-full", `${data.length} bytes offered, ${this.#writable} writable`);
    }
    device.write(data);
    this.#writable -= data.length;
    this.stats.bytesOut += data.length;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const device = this.#device;
    this.#device = undefined;
    this.#writable = 0;
    device?.close();
  }

  reopen(settings: UartSettings): void {
    const old = this.#device;
    this.#device = undefined;
    // Nothing may be written until the new UART reports its FIFO. The consumer keeps its own count
    // from onWritable, so tell it too: without this it would write into the new UART on the old count.
    this.#writable = 0;
    this.#events.onWritable(0);
    old?.close();
    try {
      this.#device = this.#construct(settings);
      this.stats.reopens++;
    } catch (e) {
      this.closed = true;
      this.#events.onError(new SerialError("reopen-failed", (e as Error).message).message);
    }
  }
}
