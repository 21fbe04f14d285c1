// Node's side of the XS test host: starts an xsnap worker, evaluates a bundled test entry, calls the
// functions it exposes, takes what XS sends out (port writes, logs, events) and moves XS's virtual
// time, by hand or following a Node clock. Every call reports XS's meter (compute, heap slots).

import { spawn as nodeSpawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import type { XsnapMeterUsage, XsnapWorker } from "@agoric/xsnap";
import type { Clock, TimerHandle } from "../../src/host/types";
import { bundleForXs } from "./bundle";
import { decodeMessage, encodeMessage, type CallHeader, type OutHeader, type ReplyHeader } from "./wire";
import { loadXsnap, xsnapBinary } from "./xsnap-node";

/** XS's meter for one call (one "crank": the call plus the promise jobs it started). */
export interface XsMeter {
  /** Deterministic count of XS operations (bytecodes, plus weights for native work). */
  compute: number;
  /** Heap slots in use at the end of the call: live slots plus garbage not collected yet. */
  currentHeapCount: number;
  /** Bytes XS has taken from the system for chunks and slots (grows, never shrinks). */
  allocate: number;
}

export interface XsReply<T = unknown> {
  value: T;
  /** Bytes, when the XS function returned a Uint8Array. */
  bytes: Uint8Array;
  meter: XsMeter;
  /** XS virtual time after the call. */
  now: number;
  /** XS's earliest pending timer, or null. */
  nextDue: number | null;
}

export interface XsWorkerOptions {
  /** Entry to bundle and evaluate at start (path from the repository root). */
  entry?: string;
  name?: string;
  /** Compute limit per call; beyond it the worker dies and the call fails. Default 1e8, 0 = none. */
  meteringLimit?: number;
  /**
   * Follow mode: XS's virtual time follows this Node clock (real time, or the simulator's clock).
   * Without it, time moves only when the test calls advance()/advanceTo().
   */
  clock?: Clock;
  onLog?: (level: string, message: string) => void;
  /** Sees the meter of every call, background ones and `$advance` steps included (for totals and peaks). */
  onMeter?: (call: string, meter: XsMeter) => void;
}

/** An exception thrown inside XS, carried to Node. */
export class XsError extends Error {
  readonly xsName: string;
  readonly xsStack: string | undefined;
  constructor(call: string, error: { name: string; message: string; stack?: string }) {
    super(`XS ${call}: ${error.name}: ${error.message}`);
    this.name = "XsError";
    this.xsName = error.name;
    this.xsStack = error.stack;
  }
}

const EMPTY = new Uint8Array(0);
const decoder = new TextDecoder();

export class XsWorker {
  readonly logs: { level: string; message: string }[] = [];
  /** Lines XS wrote with print(). */
  readonly prints: string[] = [];
  readonly #worker: XsnapWorker;
  readonly #child: ChildProcess;
  readonly #options: XsWorkerOptions;
  readonly #ports = new Map<string, XsPort>();
  readonly #events: { name: string; value: unknown }[] = [];
  readonly #waiters: { name: string; resolve: (value: unknown) => void; reject: (e: unknown) => void }[] = [];
  #stderr = "";
  #queue: Promise<unknown> = Promise.resolve();
  #pending = 0;
  #idleWaiters: (() => void)[] = [];
  #failure: unknown;
  #now = 0;
  #nextDue: number | null = null;
  #followTimer: TimerHandle | undefined;
  #followDue: number | null = null;
  #closed = false;

  private constructor(worker: XsnapWorker, child: ChildProcess, options: XsWorkerOptions) {
    this.#worker = worker;
    this.#child = child;
    this.#options = options;
  }

  /** Starts a worker and evaluates `options.entry`. Throws if the XS engine is missing or broken. */
  static async start(options: XsWorkerOptions = {}): Promise<XsWorker> {
    xsnapBinary(); // a clear error when the engine was never built
    const [xsnap, script] = await Promise.all([
      loadXsnap(),
      options.entry ? bundleForXs(options.entry) : Promise.resolve(undefined),
    ]);
    let child: ChildProcess | undefined;
    let self: XsWorker | undefined;
    const spawn = ((...args: Parameters<typeof nodeSpawn>) => {
      child = nodeSpawn(...args);
      return child;
    }) as typeof nodeSpawn;
    const worker = await xsnap({
      os: os.type(),
      spawn,
      fs: {},
      name: options.name ?? "xs-test-host",
      stdout: "pipe",
      stderr: "pipe",
      meteringLimit: options.meteringLimit ?? 1e8,
      // XS cannot issue a command before its first evaluation, by which time `self` is set.
      handleCommand: async (message) => (self ? self.#fromXs(message) : EMPTY),
    });
    if (!child) throw new Error("xsnap did not spawn a process");
    self = new XsWorker(worker, child, options);
    self.#watch();
    if (script !== undefined) {
      try {
        await self.evaluate(script);
      } catch (e) {
        await self.terminate();
        throw e;
      }
    }
    return self;
  }

  /** Evaluates a script in XS; an exception there rejects with its message. */
  async evaluate(source: string): Promise<XsMeter> {
    const result = await this.#serial(() => this.#worker.evaluate(source));
    return meterOf(result.meterUsage);
  }

  /** Calls a function the XS side exposed with `xsHost().expose(name, fn)`. */
  call<T = unknown>(name: string, args?: unknown, bytes?: Uint8Array): Promise<XsReply<T>> {
    return this.#serial(() => this.#call<T>(name, args, bytes, true));
  }

  /** The Node handle of the XS serial port `name` (created in XS with `host.serial(name)`). */
  port(name: string): XsPort {
    let port = this.#ports.get(name);
    if (!port) {
      port = new XsPort(this, name);
      this.#ports.set(name, port);
    }
    return port;
  }

  /** XS virtual time as of the last call. */
  get now(): number {
    return this.#now;
  }

  get nextDue(): number | null {
    return this.#nextDue;
  }

  /** Moves XS time forward by `ms`, firing timers one deadline per call. */
  advance(ms: number): Promise<void> {
    return this.advanceTo(this.#now + ms);
  }

  advanceTo(target: number): Promise<void> {
    return this.#serial(async () => {
      for (;;) {
        // Each call fires one deadline's timers, or, when none is due by `target`, moves time there.
        await this.#call("$advance", { to: target }, undefined, false);
        if (this.#now >= target && (this.#nextDue === null || this.#nextDue > target)) return;
      }
    });
  }

  /** Runs a full garbage collection in XS; the meter's currentHeapCount is then the live heap. */
  async gc(): Promise<XsMeter> {
    return (await this.call("$gc")).meter;
  }

  /** Events XS emitted (`host.emit`) that no waiter took, oldest first; the list is emptied. */
  takeEvents(): { name: string; value: unknown }[] {
    return this.#events.splice(0, this.#events.length);
  }

  /** The value of the next `name` event XS emits (or one already emitted and not yet taken). */
  nextEvent<T = unknown>(name: string): Promise<T> {
    const i = this.#events.findIndex((e) => e.name === name);
    if (i >= 0) return Promise.resolve(this.#events.splice(i, 1)[0].value as T);
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise<T>((resolve, reject) =>
      this.#waiters.push({ name, resolve: resolve as (v: unknown) => void, reject }),
    );
  }

  /** Resolves when every queued call (including background ones) has finished; rejects on a failure. */
  async idle(): Promise<void> {
    while (this.#pending > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Waits for queued work, stops the worker, and rethrows any failure seen along the way. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#disarmFollow();
    try {
      await this.idle();
    } finally {
      await this.#worker.close().catch((e: unknown) => {
        this.#fail(e);
      });
    }
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Kills the worker at once (for a test that already failed). */
  async terminate(): Promise<void> {
    this.#closed = true;
    this.#disarmFollow();
    await this.#worker.terminate();
  }

  /** Queues a call made by the host itself (port credits, pushes from a peer): failures are kept for idle()/close(). */
  background(name: string, args?: unknown, bytes?: Uint8Array): void {
    if (this.#closed) return;
    this.#serial(() => this.#call(name, args, bytes, true)).catch((e: unknown) => this.#fail(e));
  }

  /** The first failure (XS exception in a background call, worker death), if any. */
  get failure(): unknown {
    return this.#failure;
  }

  get stderr(): string {
    return this.#stderr;
  }

  // ---- internals ------------------------------------------------------------------------------

  /** One XS call at a time, in the order they were made, so replies carry a consistent clock. */
  #serial<T>(run: () => Promise<T>): Promise<T> {
    this.#pending++;
    const result = this.#queue.then(() => {
      if (this.#failure !== undefined) throw this.#failure;
      return run();
    });
    this.#queue = result.then(
      () => this.#settled(),
      () => this.#settled(),
    );
    return result;
  }

  #settled(): void {
    this.#pending--;
    if (this.#pending === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  async #call<T>(name: string, args: unknown, bytes: Uint8Array | undefined, follow: boolean): Promise<XsReply<T>> {
    const header: CallHeader = { call: name, args };
    const clock = this.#options.clock;
    if (clock && follow) {
      const at = clock.now();
      // Fire XS timers that fell due before `at` one deadline per call, so promise jobs they
      // start run in between, as on the device.
      while (this.#nextDue !== null && this.#nextDue <= at) await this.#call("$advance", { to: at }, undefined, false);
      header.at = at;
    }
    const result = await this.#worker.issueCommand(encodeMessage(header, bytes)).catch((e: unknown) => {
      throw this.#withStderr(e);
    });
    if (result.reply.length === 0) throw new Error(`XS ${name}: empty reply (the reply getter failed; see stderr)\n${this.#stderr}`);
    const reply = decodeMessage<ReplyHeader>(result.reply);
    this.#options.onMeter?.(name, meterOf(result.meterUsage));
    this.#now = reply.header.now;
    this.#nextDue = reply.header.nextDue;
    if (clock) this.#armFollow(clock);
    if (!reply.header.ok) throw new XsError(name, reply.header.error);
    return {
      value: reply.header.value as T,
      bytes: reply.header.bytes ? reply.bytes : EMPTY,
      meter: meterOf(result.meterUsage),
      now: reply.header.now,
      nextDue: reply.header.nextDue,
    };
  }

  /** Follow mode: wake when XS's next timer falls due on the Node clock. */
  #armFollow(clock: Clock): void {
    if (this.#nextDue === this.#followDue || this.#closed) return;
    this.#disarmFollow();
    const due = this.#nextDue;
    if (due === null) return;
    this.#followDue = due;
    this.#followTimer = clock.setTimer(() => {
      this.#followTimer = undefined;
      this.#followDue = null;
      this.background("$timers"); // any call first fires what is due by the clock's now
    }, Math.max(0, due - clock.now()));
  }

  #disarmFollow(): void {
    if (this.#followTimer !== undefined) this.#options.clock?.clearTimer(this.#followTimer);
    this.#followTimer = undefined;
    this.#followDue = null;
  }

  /** A message XS sent with issueCommand. Never throws: XS is blocked until we answer. */
  #fromXs(message: Uint8Array): Uint8Array {
    try {
      const { header, bytes } = decodeMessage<OutHeader>(message);
      switch (header.out) {
        case "tx":
          this.port(header.port).deliverTx(bytes.slice());
          break;
        case "close":
          this.port(header.port).closed = true;
          break;
        case "log":
          this.logs.push({ level: header.level, message: header.message });
          this.#options.onLog?.(header.level, header.message);
          break;
        case "emit": {
          const i = this.#waiters.findIndex((w) => w.name === header.name);
          if (i >= 0) this.#waiters.splice(i, 1)[0].resolve(header.value);
          else this.#events.push({ name: header.name, value: header.value });
          break;
        }
        default:
          throw new Error(`unknown message from XS: ${JSON.stringify(header)}`);
      }
    } catch (e) {
      this.#fail(e);
    }
    return EMPTY;
  }

  #fail(e: unknown): void {
    if (this.#failure === undefined) this.#failure = e;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(e);
  }

  #withStderr(e: unknown): unknown {
    if (e instanceof Error && this.#stderr.trim()) e.message += `\nxsnap stderr:\n${this.#stderr.trim()}`;
    return e;
  }

  #watch(): void {
    const child = this.#child;
    child.on("error", (e) => this.#fail(e));
    child.stderr?.on("data", (chunk: Buffer) => {
      this.#stderr += chunk.toString("utf8");
    });
    let partial = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      const lines = (partial + decoder.decode(chunk)).split("\n");
      partial = lines.pop() ?? "";
      this.prints.push(...lines);
    });
    child.once("exit", (code, signal) => {
      if (!this.#closed) this.#fail(this.#withStderr(new Error(`xsnap worker exited (code ${code}, signal ${signal})`)));
    });
  }
}

/**
 * Node's handle of an XS serial port: push bytes in, see what XS wrote. By default TX space is
 * returned as soon as a write arrives (an instant UART); set `autoCredit = false` and call
 * credit() to model a slow one, or let a PortLink pace it at a baud rate.
 */
export class XsPort {
  readonly name: string;
  autoCredit = true;
  /** Keep what XS writes for takeWritten(); links that pass the bytes on turn this off. */
  record = true;
  closed = false;
  readonly #xs: XsWorker;
  readonly #written: Uint8Array[] = [];
  readonly #listeners: ((bytes: Uint8Array) => void)[] = [];

  constructor(xs: XsWorker, name: string) {
    this.#xs = xs;
    this.name = name;
  }

  /** Delivers bytes to XS now (one call); the FIFO takes what fits and counts the rest as dropped. */
  async push(bytes: Uint8Array | string): Promise<{ accepted: number; dropped: number; meter: XsMeter }> {
    const reply = await this.#xs.call<{ accepted: number; dropped: number }>("$rx", { port: this.name }, bytesOf(bytes));
    return { ...reply.value, meter: reply.meter };
  }

  /** Returns `count` bytes of TX space to XS (the UART sent them); XS then calls onWritable. */
  async credit(count: number): Promise<void> {
    await this.#xs.call("$credit", { port: this.name, count });
  }

  /** Fails the port under the app (onError). */
  async fail(message: string): Promise<void> {
    await this.#xs.call("$fail", { port: this.name, message });
  }

  async stats(): Promise<{ rxBytes: number; rxDropped: number; txBytes: number; writes: number; opens: number; open: boolean; available: number }> {
    return (await this.#xs.call<any>("$port", { port: this.name })).value;
  }

  /** Sees every write as it happens (synchronously, while XS waits). Returns an unsubscribe. */
  onTx(listener: (bytes: Uint8Array) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  /** Everything XS wrote since the last take. */
  takeWritten(): Uint8Array {
    const total = this.#written.reduce((n, b) => n + b.length, 0);
    const out = new Uint8Array(total);
    let offset = 0;
    for (const b of this.#written.splice(0)) {
      out.set(b, offset);
      offset += b.length;
    }
    return out;
  }

  takeText(): string {
    return latin1(this.takeWritten());
  }

  /** Called by XsWorker for each XS write. */
  deliverTx(bytes: Uint8Array): void {
    if (this.record) this.#written.push(bytes);
    for (const listener of this.#listeners) listener(bytes);
    if (this.autoCredit) this.#xs.background("$credit", { port: this.name, count: bytes.length });
  }
}

function meterOf(usage: XsnapMeterUsage): XsMeter {
  return { compute: usage.compute ?? 0, currentHeapCount: usage.currentHeapCount ?? 0, allocate: usage.allocate ?? 0 };
}

export function bytesOf(data: Uint8Array | string): Uint8Array {
  if (typeof data !== "string") return data;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data.charCodeAt(i) & 0xff;
  return out;
}

export function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return s;
}
