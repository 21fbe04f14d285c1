// Fakes of the Moddable ESP32 IO classes that behave like the real driver where it matters:
// - FakeUart is `embedded:io/serial` on the ESP32 (modules/io/serial/esp32/serial.c): 128-byte RX and TX
//   FIFOs and no software buffer; read(buffer) returns undefined when empty; write() throws
//   "output full" when the data exceeds the free TX space and never writes part; onReadable/onWritable
//   arrive later as posted messages; onWritable reports the free TX space once the FIFO has drained
//   below 10 bytes after a write; bytes leave and arrive at 10 bits per byte of the configured baud.
// - FakeDigital is `embedded:io/digital`: every level written is recorded with the fake clock's time.
// Both are built per test around a Wire and a VirtualClock, so nothing is shared between tests.

import type { VirtualClock } from "../at/fakes";
import type { DigitalClass, DigitalDevice, Esp32SerialClass, Esp32SerialDevice, Esp32SerialOptions } from "../../hosts/esp32/io";

export const FIFO = 128;
/** The driver's TX-empty interrupt threshold (kTransmitTreshold in serial.c). */
const TX_THRESHOLD = 10;
/** The UART is simulated in 1 ms steps. */
const TICK_MS = 1;

/** The far end of the UART: the fake modem. */
export interface UartPeer {
  /** The modem's current rate: bytes cross only when both ends agree. */
  readonly baud: number;
  receive(bytes: number[]): void;
}

/** The wires between the ESP32 UART and the modem, paced by the clock. */
export class Wire {
  readonly clock: VirtualClock;
  host: FakeUart | undefined;
  peer: UartPeer | undefined;
  /** Bytes the modem has queued for the host, sent at the modem's rate. */
  #toHost: number[] = [];
  #toHostCredit = 0;
  #toHostTimer = false;
  /** Bytes lost because the two ends disagreed on the baud rate. */
  garbled = 0;

  constructor(clock: VirtualClock) {
    this.clock = clock;
  }

  /** Modem -> host. */
  sendToHost(bytes: ArrayLike<number>): void {
    for (let i = 0; i < bytes.length; i++) this.#toHost.push(bytes[i] & 0xff);
    this.#scheduleToHost();
  }

  sendTextToHost(text: string): void {
    const bytes: number[] = [];
    for (let i = 0; i < text.length; i++) bytes.push(text.charCodeAt(i));
    this.sendToHost(bytes);
  }

  #scheduleToHost(): void {
    if (this.#toHostTimer || this.#toHost.length === 0) return;
    this.#toHostTimer = true;
    this.clock.setTimer(() => {
      this.#toHostTimer = false;
      const baud = this.peer?.baud ?? 115200;
      this.#toHostCredit += (baud / 10000) * TICK_MS;
      let n = Math.floor(this.#toHostCredit);
      this.#toHostCredit -= n;
      const out: number[] = [];
      while (n-- > 0 && this.#toHost.length) out.push(this.#toHost.shift()!);
      const host = this.host;
      if (host && !host.closed && host.baud === baud) host.arrive(out);
      else this.garbled += out.length;
      this.#scheduleToHost();
    }, TICK_MS);
  }

  /** Host -> modem, called by the UART as bytes leave its TX FIFO. */
  fromHost(bytes: number[], baud: number): void {
    if (this.peer && this.peer.baud === baud) this.peer.receive(bytes);
    else this.garbled += bytes.length;
  }
}

export interface FakeUartStats {
  /** write() calls that threw "output full". */
  outputFull: number;
  /** Bytes lost because the RX FIFO was full when they arrived. */
  overruns: number;
  /** The most bytes left in the RX FIFO when an onReadable callback returned. */
  leftAfterReadable: number;
  readableCalls: number;
  writableCalls: number;
  bytesWritten: number;
}

export class FakeUart implements Esp32SerialDevice {
  readonly options: Esp32SerialOptions;
  readonly stats: FakeUartStats = { outputFull: 0, overruns: 0, leftAfterReadable: 0, readableCalls: 0, writableCalls: 0, bytesWritten: 0 };
  closed = false;
  readonly #wire: Wire;
  readonly #rx: number[] = [];
  readonly #tx: number[] = [];
  #txCredit = 0;
  #txTimer = false;
  #txInterrupt: boolean;
  #readablePosted = false;

  constructor(wire: Wire, options: Esp32SerialOptions) {
    if (options.format !== "buffer") throw new Error("test expects format: buffer");
    if (!(options.baud > 0)) throw new RangeError("invalid baud");
    if (wire.host && !wire.host.closed) throw new RangeError("port in use");
    this.options = options;
    this.#wire = wire;
    wire.host = this;
    // serial.c enables the TX-empty interrupt at construction: the empty FIFO reports at once.
    this.#txInterrupt = true;
    this.#checkWritable();
  }

  get baud(): number {
    return this.options.baud;
  }

  read(buffer: Uint8Array): number | undefined {
    if (this.closed) throw new Error("closed");
    if (this.#rx.length === 0) return undefined;
    const n = Math.min(buffer.length, this.#rx.length);
    for (let i = 0; i < n; i++) buffer[i] = this.#rx[i];
    this.#rx.splice(0, n);
    return n;
  }

  write(data: Uint8Array): void {
    if (this.closed) throw new Error("closed");
    if (data.length > FIFO - this.#tx.length) {
      this.stats.outputFull++;
      throw new Error("output full");
    }
    for (let i = 0; i < data.length; i++) this.#tx.push(data[i]);
    this.stats.bytesWritten += data.length;
    this.#txInterrupt = true;
    this.#runTx();
  }

  close(): void {
    this.closed = true;
  }

  /** Bytes reaching the RX pin. */
  arrive(bytes: number[]): void {
    for (const b of bytes) {
      if (this.#rx.length >= FIFO) this.stats.overruns++;
      else this.#rx.push(b);
    }
    if (this.#rx.length && !this.#readablePosted) {
      this.#readablePosted = true;
      this.#wire.clock.setTimer(() => {
        this.#readablePosted = false;
        if (this.closed || this.#rx.length === 0) return;
        this.stats.readableCalls++;
        this.options.onReadable(this.#rx.length);
        if (this.#rx.length > this.stats.leftAfterReadable) this.stats.leftAfterReadable = this.#rx.length;
      }, 0);
    }
  }

  #runTx(): void {
    if (this.#txTimer || this.#tx.length === 0) return;
    this.#txTimer = true;
    this.#wire.clock.setTimer(() => {
      this.#txTimer = false;
      if (this.closed) return;
      this.#txCredit += (this.options.baud / 10000) * TICK_MS;
      let n = Math.floor(this.#txCredit);
      this.#txCredit -= n;
      const out: number[] = [];
      while (n-- > 0 && this.#tx.length) out.push(this.#tx.shift()!);
      if (out.length) this.#wire.fromHost(out, this.options.baud);
      if (this.#tx.length === 0) this.#txCredit = 0;
      this.#checkWritable();
      this.#runTx();
    }, TICK_MS);
  }

  #checkWritable(): void {
    if (!this.#txInterrupt || this.#tx.length >= TX_THRESHOLD) return;
    this.#txInterrupt = false;
    this.#wire.clock.setTimer(() => {
      if (this.closed) return;
      const free = FIFO - this.#tx.length;
      if (free > 0) {
        this.stats.writableCalls++;
        this.options.onWritable(free);
      }
    }, 0);
  }
}

/** An `embedded:io/serial` class bound to `wire`; `instances` lists every UART it constructed. */
export function fakeSerialClass(wire: Wire): Esp32SerialClass & { instances: FakeUart[] } {
  const instances: FakeUart[] = [];
  const Serial = class extends FakeUart {
    constructor(options: Esp32SerialOptions) {
      super(wire, options);
      instances.push(this);
    }
  };
  return Object.assign(Serial, { instances });
}

export interface LevelChange {
  at: number;
  level: 0 | 1;
}

export class FakePin implements DigitalDevice {
  readonly pin: number;
  readonly mode: unknown;
  /** Levels written (outputs), with the clock's time. */
  readonly history: LevelChange[] = [];
  /** What read() returns (inputs); the fake modem drives STATUS through it. */
  input: 0 | 1 = 0;
  closed = false;
  readonly #clock: VirtualClock;
  readonly #listeners: ((level: 0 | 1) => void)[] = [];

  constructor(clock: VirtualClock, pin: number, mode: unknown) {
    this.#clock = clock;
    this.pin = pin;
    this.mode = mode;
  }

  get level(): 0 | 1 | undefined {
    return this.history.length ? this.history[this.history.length - 1].level : undefined;
  }

  read(): 0 | 1 {
    if (this.closed) throw new Error("closed");
    return this.input;
  }

  write(value: 0 | 1): void {
    if (this.closed) throw new Error("closed");
    if (this.level === value) return;
    this.history.push({ at: this.#clock.now(), level: value });
    for (const listener of this.#listeners) listener(value);
  }

  onChange(listener: (level: 0 | 1) => void): void {
    this.#listeners.push(listener);
  }

  close(): void {
    this.closed = true;
  }
}

/** An `embedded:io/digital` class; `pins` maps each opened GPIO to its FakePin. */
export type FakeDigitalClass = {
  new (options: { pin: number; mode: unknown }): FakePin;
  pins: Map<number, FakePin>;
} & DigitalClass;

export function fakeDigitalClass(clock: VirtualClock): FakeDigitalClass {
  const pins = new Map<number, FakePin>();
  const Digital = class extends FakePin {
    static readonly Input = "input";
    static readonly InputPullDown = "input-pull-down";
    static readonly Output = "output";
    constructor(options: { pin: number; mode: unknown }) {
      if (pins.has(options.pin) && !pins.get(options.pin)!.closed) throw new Error("in use");
      super(clock, options.pin, options.mode);
      pins.set(options.pin, this);
    }
  };
  return Object.assign(Digital, { pins });
}
