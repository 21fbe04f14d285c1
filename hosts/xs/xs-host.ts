// The XS test host, running inside the xsnap worker: a virtual Clock whose time Node moves, serial
// ports whose bytes come from and go to Node, a Log that forwards to Node, and the dispatcher that
// lets Node call functions a test entry exposes. A test entry builds the core under test with these
// (e.g. `new AtChannel({ open: host.serial("modem"), clock: host.clock, log: host.log, encoder: host.encoder })`).

import type { Clock, Log, LogLevel, OpenSerial, SerialEvents, SerialPort, TextEncoding, TimerHandle } from "../../src/host/types";
import { decodeMessage, encodeMessage, type CallHeader, type OutHeader, type ReplyHeader } from "./wire";
import { bufferOf, xsnapGlobals, type XsnapGlobals } from "./xsnap-globals";

/** What an exposed function may return: a JSON value, bytes, or a promise settled within the call. */
export type Exposed = (args: any, bytes: Uint8Array) => unknown;

interface Timer {
  due: number;
  seq: number;
  callback: () => void;
}

/**
 * Virtual time: it stands still until Node advances it. Node moves it one deadline at a time
 * (`fireNext`), one call each, so promise jobs a timer starts run before the next timer fires, as
 * they would on the device.
 */
export class XsClock implements Clock {
  #now = 0;
  #seq = 0;
  /** Pending timers sorted by (due, seq). A handful are live at a time, so a sorted array is enough. */
  readonly #timers: Timer[] = [];

  now(): number {
    return this.#now;
  }

  setTimer(callback: () => void, ms: number): TimerHandle {
    const timer: Timer = { due: this.#now + (ms > 0 ? ms : 0), seq: this.#seq++, callback };
    const timers = this.#timers;
    let i = timers.length;
    while (i > 0 && timers[i - 1].due > timer.due) i--;
    timers.splice(i, 0, timer);
    return timer;
  }

  clearTimer(handle: TimerHandle): void {
    const i = this.#timers.indexOf(handle as Timer);
    if (i >= 0) this.#timers.splice(i, 1);
  }

  /** The earliest deadline, or null when no timer is pending. */
  nextDue(): number | null {
    return this.#timers.length > 0 ? this.#timers[0].due : null;
  }

  get pendingTimers(): number {
    return this.#timers.length;
  }

  /**
   * Fires the earliest timer if it is due at or before `target` (time becomes its deadline) and
   * returns 1; otherwise moves time to `target` and returns 0. One timer per step, as the device
   * runs each timer callback on its own and drains promise jobs after it. Never goes backwards.
   */
  fireNext(target: number): number {
    const timers = this.#timers;
    if (timers.length === 0 || timers[0].due > target) {
      if (target > this.#now) this.#now = target;
      return 0;
    }
    const timer = timers.shift()!;
    if (timer.due > this.#now) this.#now = timer.due;
    timer.callback();
    return 1;
  }
}

export interface XsSerialOptions {
  /** Bytes the receive FIFO holds; more arriving before the app reads them are dropped (overrun).
   *  Default 128, the ESP32 UART's hardware FIFO, which Moddable's driver reads directly. */
  rxCapacity?: number;
  /** Bytes `write` may have outstanding until Node reports them sent. Default 128 (the TX FIFO). */
  txCapacity?: number;
}

export interface XsSerialStats {
  rxBytes: number;
  rxDropped: number;
  txBytes: number;
  writes: number;
  opens: number;
}

/**
 * One serial port: Node pushes received bytes in (`$rx`) and returns TX space (`$credit`) once it
 * has sent what was written; every `write` goes to Node at once through issueCommand.
 */
export class XsSerialEndpoint {
  readonly name: string;
  readonly rxCapacity: number;
  readonly txCapacity: number;
  readonly stats: XsSerialStats = { rxBytes: 0, rxDropped: 0, txBytes: 0, writes: 0, opens: 0 };
  readonly #out: (header: OutHeader, bytes?: Uint8Array) => void;
  readonly #fifo: Uint8Array;
  #head = 0;
  #count = 0;
  #writable: number;
  #events: SerialEvents | undefined;

  constructor(name: string, options: XsSerialOptions, out: (header: OutHeader, bytes?: Uint8Array) => void) {
    this.name = name;
    this.rxCapacity = options.rxCapacity ?? 128;
    this.txCapacity = options.txCapacity ?? 128;
    this.#fifo = new Uint8Array(this.rxCapacity);
    this.#writable = this.txCapacity;
    this.#out = out;
  }

  get isOpen(): boolean {
    return this.#events !== undefined;
  }

  /** Bytes waiting in the receive FIFO. */
  get available(): number {
    return this.#count;
  }

  readonly open: OpenSerial = (events) => {
    if (this.#events) throw new Error(`serial ${this.name}: already open`);
    this.#events = events;
    this.stats.opens++;
    const endpoint = this;
    const port: SerialPort = {
      read(into) {
        return endpoint.#events === events ? endpoint.#read(into) : 0;
      },
      write(data) {
        if (endpoint.#events !== events) throw new Error(`serial ${endpoint.name}: closed`);
        endpoint.#write(data);
      },
      close() {
        if (endpoint.#events !== events) return;
        endpoint.#events = undefined;
        endpoint.#out({ out: "close", port: endpoint.name });
      },
    };
    // As on ECMA-419 hosts, the initial TX space is reported once the port is open, after the
    // constructor that opened it has returned.
    void Promise.resolve().then(() => {
      if (this.#events === events && this.#writable > 0) events.onWritable(this.#writable);
    });
    return port;
  };

  /** Bytes from the far end. Accepts what fits in the FIFO, drops (and counts) the rest. */
  receive(bytes: Uint8Array): { accepted: number; dropped: number } {
    const fifo = this.#fifo;
    const room = this.rxCapacity - this.#count;
    const accepted = bytes.length < room ? bytes.length : room;
    for (let i = 0; i < accepted; i++) fifo[(this.#head + this.#count + i) % this.rxCapacity] = bytes[i];
    this.#count += accepted;
    this.stats.rxBytes += accepted;
    this.stats.rxDropped += bytes.length - accepted;
    if (accepted > 0 && this.#events) this.#events.onReadable(this.#count);
    return { accepted, dropped: bytes.length - accepted };
  }

  /** Node sent `count` written bytes onwards: that much TX space is free again. */
  credit(count: number): void {
    const before = this.#writable;
    this.#writable = Math.min(this.txCapacity, this.#writable + count);
    if (this.#writable > before && this.#events) this.#events.onWritable(this.#writable);
  }

  /** The port fails under the app (cable pulled): onError, then nothing more. */
  fail(message: string): void {
    const events = this.#events;
    this.#events = undefined;
    if (events) events.onError(message);
  }

  #read(into: Uint8Array): number {
    const n = into.length < this.#count ? into.length : this.#count;
    const fifo = this.#fifo;
    for (let i = 0; i < n; i++) into[i] = fifo[(this.#head + i) % this.rxCapacity];
    this.#head = (this.#head + n) % this.rxCapacity;
    this.#count -= n;
    return n;
  }

  #write(data: Uint8Array | ArrayBuffer): void {
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    // The ESP32 driver throws rather than take part of a write: so do we.
    if (bytes.length > this.#writable) {
      throw new Error(`output full: ${bytes.length} bytes written, ${this.#writable} writable`);
    }
    this.#writable -= bytes.length;
    this.stats.writes++;
    this.stats.txBytes += bytes.length;
    this.#out({ out: "tx", port: this.name }, bytes);
  }
}

export interface XsHost {
  readonly clock: XsClock;
  /** Forwards to Node, where the test collects it. */
  readonly log: Log;
  /** Creates (once per name) the serial port Node reaches as `xs.port(name)` and returns its opener. */
  serial(name: string, options?: XsSerialOptions): OpenSerial;
  endpoint(name: string): XsSerialEndpoint;
  /** Makes `fn` callable from Node as `xs.call(name, args, bytes)`. */
  expose(name: string, fn: Exposed): void;
  /** Sends an event to Node now (e.g. a command's completion); Node collects it in order. */
  emit(name: string, value?: unknown): void;
  readonly xsnap: XsnapGlobals;
  /** xsnap's native TextEncoder, as the ESP32 host passes Moddable's (see TextEncoding). */
  readonly encoder: TextEncoding;
}

let installed: XsHost | undefined;

/** Installs the host (idempotent): the dispatcher for Node's calls and the built-in `$` calls. */
export function xsHost(): XsHost {
  if (installed) return installed;
  const xsnap = xsnapGlobals();
  const clock = new XsClock();
  const ports = new Map<string, XsSerialEndpoint>();
  const exposed = new Map<string, Exposed>();

  const out = (header: OutHeader, bytes?: Uint8Array) => {
    xsnap.issueCommand(bufferOf(encodeMessage(header, bytes)));
  };
  const endpoint = (name: string): XsSerialEndpoint => {
    const found = ports.get(name);
    if (!found) throw new Error(`no serial port named ${JSON.stringify(name)}`);
    return found;
  };

  const host: XsHost = {
    clock,
    log: (level: LogLevel, message: string) => out({ out: "log", level, message }),
    serial(name, options = {}) {
      let port = ports.get(name);
      if (!port) {
        port = new XsSerialEndpoint(name, options, out);
        ports.set(name, port);
      }
      return port.open;
    },
    endpoint,
    expose(name, fn) {
      if (name.startsWith("$")) throw new Error(`names starting with $ are the host's: ${name}`);
      exposed.set(name, fn);
    },
    emit(name, value) {
      out({ out: "emit", name, value });
    },
    xsnap,
    encoder: new (globalThis as unknown as { TextEncoder: new () => TextEncoding }).TextEncoder(),
  };

  exposed.set("$advance", (args: { to: number }) => ({ fired: clock.fireNext(args.to) }));
  exposed.set("$rx", (args: { port: string }, bytes) => endpoint(args.port).receive(bytes));
  exposed.set("$credit", (args: { port: string; count: number }) => endpoint(args.port).credit(args.count));
  exposed.set("$fail", (args: { port: string; message: string }) => endpoint(args.port).fail(args.message));
  exposed.set("$port", (args: { port: string }) => {
    const p = endpoint(args.port);
    return { ...p.stats, open: p.isOpen, available: p.available };
  });
  exposed.set("$gc", () => xsnap.gc());
  exposed.set("$timers", () => clock.pendingTimers);
  // Measurement mode: a full collection before every call, so each call's slot count is its live
  // start plus what it allocated (an upper bound of the live peak; see hosts/xs/measure.ts).
  let collectEachCall = false;
  exposed.set("$collectEachCall", (args: { on: boolean }) => (collectEachCall = args.on));

  xsnap.handleCommand = (message) => {
    if (collectEachCall) xsnap.gc();
    return dispatch(new Uint8Array(message), exposed, clock);
  };
  installed = host;
  return host;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown } | undefined;

function dispatch(message: Uint8Array, exposed: Map<string, Exposed>, clock: XsClock) {
  let outcome: Outcome;
  try {
    const { header, bytes } = decodeMessage<CallHeader>(message);
    // Follow mode: Node's clock says it is `at`. Node fires due timers first, one step each; any
    // still due here (a race) fire now so time never passes a deadline silently.
    if (typeof header.at === "number") while (clock.fireNext(header.at) > 0);
    const fn = exposed.get(header.call);
    if (!fn) throw new Error(`XS side exposes no ${JSON.stringify(header.call)}`);
    const value = fn(header.args, bytes);
    if (isThenable(value)) {
      value.then(
        (v) => (outcome = { ok: true, value: v }),
        (e) => (outcome = { ok: false, error: e }),
      );
    } else outcome = { ok: true, value };
  } catch (error) {
    outcome = { ok: false, error };
  }
  // xsnap reads `result` after the promise queue has drained: the reply then shows the clock
  // and any promise the call returned as they are at the end of the call.
  return {
    get result(): ArrayBuffer {
      try {
        return bufferOf(encodeReply(outcome, clock));
      } catch (error) {
        // e.g. a value JSON cannot carry (a cycle, a BigInt): report that instead of no reply.
        return bufferOf(encodeReply({ ok: false, error }, clock));
      }
    },
  };
}

function encodeReply(outcome: Outcome, clock: XsClock): Uint8Array {
  const now = clock.now();
  const nextDue = clock.nextDue();
  if (!outcome) {
    const error = { name: "Error", message: "the call returned a promise that did not settle within the call" };
    return encodeMessage({ ok: false, error, now, nextDue } satisfies ReplyHeader);
  }
  if (!outcome.ok) {
    const e = outcome.error as { name?: unknown; message?: unknown; stack?: unknown } | undefined;
    const error = {
      name: typeof e?.name === "string" ? e.name : "Error",
      message: typeof e?.message === "string" ? e.message : String(outcome.error),
      stack: typeof e?.stack === "string" ? e.stack : undefined,
    };
    return encodeMessage({ ok: false, error, now, nextDue } satisfies ReplyHeader);
  }
  if (outcome.value instanceof Uint8Array) {
    return encodeMessage({ ok: true, bytes: true, now, nextDue } satisfies ReplyHeader, outcome.value);
  }
  return encodeMessage({ ok: true, value: outcome.value, now, nextDue } satisfies ReplyHeader);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as PromiseLike<unknown>).then === "function";
}
