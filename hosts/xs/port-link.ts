// Connects a serial port hosted in XS to a byte peer on Node (a scripted modem, later the EC20
// simulator): what XS writes goes to the peer, what the peer sends goes into XS's receive FIFO.
//
// Time: XS's virtual time follows a Node clock when the XsWorker was started with `clock` (follow
// mode). That clock may be real time (realScheduler) or the simulator's VirtualClock, so both run on
// one timeline. With a virtual clock, advance it in small steps and `await xs.idle()` after each
// (see `advanceTogether`): XS then reacts to every delivery before the simulator moves on, and the
// run is deterministic at the step's resolution.

import type { Clock, OpenSerial, SerialPort } from "../../src/host/types";
import type { XsPort, XsWorker } from "./worker";

/** The far end of the wire. */
export interface BytePeer {
  /** Bytes XS wrote, in order. */
  write(bytes: Uint8Array): void;
}

export interface PortLinkOptions {
  /** Largest piece pushed into XS per call: the XS port's receive FIFO size (default 128). */
  rxPiece?: number;
  /**
   * Pace XS's writes like a UART: TX space returns after 10 bits per byte at this rate on `clock`
   * (the TX FIFO empties at line speed). Without it, space returns at once.
   */
  baud?: number;
  clock?: Clock;
}

export class PortLink {
  readonly #xs: XsWorker;
  readonly #port: XsPort;
  readonly #rxPiece: number;
  readonly #clock: Clock | undefined;
  readonly #byteMs: number;
  readonly #unsubscribe: () => void;
  #txBusyUntil = 0;
  #closed = false;

  constructor(xs: XsWorker, portName: string, peer: BytePeer, options: PortLinkOptions = {}) {
    this.#xs = xs;
    this.#port = xs.port(portName);
    this.#rxPiece = options.rxPiece ?? 128;
    if (options.baud !== undefined && !options.clock) throw new Error("PortLink: baud needs a clock");
    this.#clock = options.baud !== undefined ? options.clock : undefined;
    this.#byteMs = options.baud !== undefined ? 10_000 / options.baud : 0;
    this.#port.autoCredit = this.#clock === undefined;
    this.#port.record = false;
    this.#unsubscribe = this.#port.onTx((bytes) => {
      if (this.#closed) return;
      peer.write(bytes);
      if (this.#clock) this.#paceCredit(this.#clock, bytes.length);
    });
  }

  /** The peer sends bytes to XS. Queued in order; each FIFO-sized piece is one XS call. */
  fromPeer(bytes: Uint8Array): void {
    if (this.#closed) return;
    for (let start = 0; start < bytes.length; start += this.#rxPiece) {
      this.#xs.background("$rx", { port: this.#port.name }, bytes.slice(start, start + this.#rxPiece));
    }
  }

  close(): void {
    this.#closed = true;
    this.#unsubscribe();
  }

  #paceCredit(clock: Clock, count: number): void {
    const now = clock.now();
    const begin = Math.max(now, this.#txBusyUntil);
    this.#txBusyUntil = begin + count * this.#byteMs;
    clock.setTimer(() => {
      if (!this.#closed) this.#xs.background("$credit", { port: this.#port.name, count });
    }, this.#txBusyUntil - now);
  }
}

/**
 * Bridges an XS port to a port Node opens with `open` (the simulator's `openDriverPort`, or a real
 * UART from hosts/node): bytes the Node port receives go into XS in FIFO-sized pieces; XS's writes
 * go to the Node port, and TX space returns to XS only as the Node port reports it (onWritable), so
 * XS's window follows the far port's. Start the XS port with the same txCapacity as that port's
 * window (the simulator's is 128, like the ESP32's FIFO).
 */
export class PortBridge {
  readonly #xs: XsWorker;
  readonly #name: string;
  readonly #port: SerialPort;
  readonly #unsubscribe: () => void;
  readonly #buffer: Uint8Array;
  /** The Node port's writable count as we know it: its last onWritable less what we wrote since. */
  #writable: number;
  #closed = false;

  /**
   * `creditWhenDrained`: return TX space to XS only once the Node port's whole window is free again,
   * in one call instead of one per piece the far port sent. XS then writes full windows; the wire
   * never idles for it (with a virtual clock XS reacts at the same instant), and long sessions need
   * a fraction of the calls. Off by default: the ESP32 refills its FIFO piece by piece.
   */
  constructor(xs: XsWorker, portName: string, open: OpenSerial, options: { rxPiece?: number; txCapacity?: number; creditWhenDrained?: boolean } = {}) {
    this.#xs = xs;
    this.#name = portName;
    this.#buffer = new Uint8Array(options.rxPiece ?? 128);
    this.#writable = options.txCapacity ?? 128;
    const capacity = this.#writable;
    const batch = options.creditWhenDrained ?? false;
    const xsPort = xs.port(portName);
    xsPort.autoCredit = false;
    xsPort.record = false; // the far port has the bytes; a long session must not pile them up here
    this.#port = open({
      onReadable: () => {
        if (this.#closed) return;
        for (let n = this.#port.read(this.#buffer); n > 0; n = this.#port.read(this.#buffer)) {
          xs.background("$rx", { port: portName }, this.#buffer.slice(0, n));
        }
      },
      onWritable: (count) => {
        if (this.#closed) return;
        if (batch && count < capacity) return;
        const freed = count - this.#writable;
        this.#writable = count;
        if (freed > 0) xs.background("$credit", { port: portName, count: freed });
      },
      onError: (message) => {
        if (!this.#closed) xs.background("$fail", { port: portName, message });
      },
    });
    this.#unsubscribe = xsPort.onTx((bytes) => {
      if (this.#closed) return;
      // XS never has more TX space than this port reported, so this write fits; if not, the
      // port throws and the worker records the failure (the next call and close() reject).
      this.#writable -= bytes.length;
      this.#port.write(bytes);
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    this.#port.close();
  }

  get name(): string {
    return this.#name;
  }
}

/**
 * Advances a virtual Node clock (e.g. the simulator's) and XS together: `stepMs` at a time, letting
 * XS finish reacting after each step, until `done()` or `limitMs` of clock time has passed.
 */
export async function advanceTogether(
  clock: { now(): number; advance(ms: number): Promise<void> | void },
  xs: XsWorker,
  done: () => boolean,
  options: { stepMs?: number; limitMs?: number } = {},
): Promise<void> {
  const stepMs = options.stepMs ?? 1;
  const limit = clock.now() + (options.limitMs ?? 600_000);
  await xs.idle();
  while (!done()) {
    if (clock.now() >= limit) throw new Error(`advanceTogether: not done within ${options.limitMs ?? 600_000} ms`);
    await clock.advance(stepMs);
    await xs.idle();
  }
}
