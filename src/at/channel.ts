// The AT channel: one command in flight from a FIFO queue, every received line sorted into the
// current command's responses, its final result, or unsolicited result codes (URCs) for subscribers.
// It also runs the data steps the EC20's SMTP and FILE commands need: stream exactly N bytes after
// CONNECT within the port's writable count, wait for the bare `A` of ACK mode, end a data phase early
// with `+++` and its guard times, and wait after OK for a final URC. All waits use the injected clock.

import type { Clock, Log, OpenSerial, SerialPort, TextEncoding, TimerHandle } from "../host/types";
import { Framer, LINE_CAPACITY, type FramerSink } from "./framer";
import { ascii, matchesAt, type Line } from "./line";
import { AtError, type AtCommand, type AtDone, type AtErrorKind, type UrcHandler } from "./types";

/** Longest command line we send, without its CR. The longest real one is AT+QSMTPSUB=1,"<200 hex>"
 *  (216 bytes); account/sender settings with two 50-byte strings stay under 140. */
export const TX_LINE_CAPACITY = 256;
/** Bytes pulled from a data source at a time. 256 divides the 1024-byte ACK block, keeps at most
 *  two ESP32 TX FIFOs (128 bytes) in hand, and bounds RAM whatever the attachment size. */
export const DATA_CHUNK = 256;
/** Commands waiting behind the one in flight. A mailer has at most one in flight and a few probes. */
export const QUEUE_CAPACITY = 16;
/** `+++` needs this much silence before and after it (ATS12 = 50 -> 1 s). */
export const ESCAPE_GUARD_MS = 1000;

// Channel states. Which timer purpose is live follows from the state.
const IDLE = 0;
const WRITING = 1; // command line going out
const AWAIT_FINAL = 2; // line written, waiting for OK/ERROR (or CONNECT for a data command)
const STREAMING = 3; // data phase: sending bytes, maybe waiting for an ACK `A`
const GUARD_BEFORE = 4; // silence before +++
const ESCAPING = 5; // +++ going out
const GUARD_AFTER = 6; // silence after +++
const AWAIT_URC = 7; // OK received, waiting for the command's final URC
const CLOSED = 8;

const ERROR = ascii("ERROR");
const CME = ascii("+CME ERROR:");
const CMS = ascii("+CMS ERROR:");
const NO_CARRIER = ascii("NO CARRIER");
const CONNECT = ascii("CONNECT");
const PLUS3 = ascii("+++");

// What a line is, as onLine classifies it.
const NOT_A_RESULT = 0;
const RESULT_OK = 2;
const RESULT_ERROR = 3;
const RESULT_CME = 4;
const RESULT_CMS = 5;
const RESULT_NO_CARRIER = 6;
const RESULT_CONNECT = 7;

/** Encoded prefixes by text: commands come from a fixed table, so this stays small. Capped anyway. */
const PREFIX_CACHE_CAPACITY = 64;
const prefixCache = new Map<string, Uint8Array>();
function encodedPrefix(text: string): Uint8Array {
  let bytes = prefixCache.get(text);
  if (bytes === undefined) {
    bytes = ascii(text);
    if (prefixCache.size < PREFIX_CACHE_CAPACITY) prefixCache.set(text, bytes);
  }
  return bytes;
}

export interface ChannelOptions {
  open: OpenSerial;
  clock: Clock;
  log?: Log;
  /** Every line each way (commands in their masked `traceAs` form; data phases summarised). */
  trace?: (direction: "tx" | "rx", text: string) => void;
  /** The host's native text encoder, for copying command lines (see TextEncoding). */
  encoder?: TextEncoding;
}

export interface ChannelStats {
  /** Lines no subscriber or command claimed. */
  unknownUrcs: number;
  /** Lines longer than the framer's buffer, dropped. */
  overflowLines: number;
  /** OK/ERROR with no command waiting (e.g. after a timeout). */
  strayResults: number;
  /** Echoed command lines dropped. */
  echoes: number;
  /** ACK-mode `A` bytes received. */
  acks: number;
}

/** A submitted command; it is also the handle the caller may cancel it with. */
interface Job {
  readonly channel: AtChannel;
  readonly command: AtCommand;
  readonly done: AtDone;
  readonly expect: Uint8Array | undefined;
  readonly urcPrefix: Uint8Array | undefined;
  /** Only `+++` with its guard times (recovery of a modem stuck in data mode): no command line. */
  readonly escapeOnly: boolean;
  /** done() has been called (success, failure or cancel); the channel may still be draining it. */
  reported: boolean;
  /** Why a data phase was ended with +++, reported when the modem answers. */
  escapeReason: AtErrorKind | undefined;
  cancel(): void;
}

/** What every Job inherits. A Job is an object literal with this prototype: on XS that costs a
 *  quarter of constructing a class instance with the same fields (measured; one Job per command). */
const jobMethods = {
  cancel(this: Job): void {
    cancelJob(this.channel, this);
  },
};

function newJob(channel: AtChannel, command: AtCommand, done: AtDone, escapeOnly: boolean): Job {
  return {
    __proto__: jobMethods,
    channel,
    command,
    done,
    expect: command.expect === undefined ? undefined : encodedPrefix(command.expect),
    urcPrefix: command.awaitUrc === undefined ? undefined : encodedPrefix(command.awaitUrc.prefix),
    escapeOnly,
    reported: false,
    escapeReason: undefined,
  } as unknown as Job;
}

/** Set by AtChannel's static block: lets a Job reach the channel's private cancel. */
let cancelJob: (channel: AtChannel, job: Job) => void;

interface Subscription {
  prefix: Uint8Array;
  handler: UrcHandler;
}

export class AtChannel implements FramerSink {
  readonly stats: ChannelStats = { unknownUrcs: 0, overflowLines: 0, strayResults: 0, echoes: 0, acks: 0 };
  readonly #port: SerialPort;
  readonly #clock: Clock;
  readonly #log: Log | undefined;
  readonly #trace: ChannelOptions["trace"];
  readonly #encoder: TextEncoding | undefined;
  readonly #framer = new Framer(this);
  readonly #lineOut = new Uint8Array(TX_LINE_CAPACITY + 1);
  readonly #chunk = new Uint8Array(DATA_CHUNK);
  readonly #queue: Job[] = [];
  readonly #subscriptions: Subscription[] = [];
  #state = IDLE;
  #job: Job | undefined;
  #timer: TimerHandle | undefined;
  #timerDue = 0;
  #deadline = Infinity;
  #writable = 0;
  // The bytes being written: a view into #lineOut, #chunk or PLUS3.
  #out: Uint8Array = this.#lineOut;
  #outOffset = 0;
  #outEnd = 0;
  // Data phase progress.
  #dataSent = 0;
  #blockSent = 0;
  #awaitingAck = false;
  #advancing = false;
  #pumping = false;

  constructor(options: ChannelOptions) {
    this.#clock = options.clock;
    this.#log = options.log;
    this.#trace = options.trace;
    this.#encoder = options.encoder;
    this.#port = options.open({
      onReadable: this.#onReadable,
      onWritable: (count) => {
        this.#writable = count;
        if (this.#outOffset < this.#outEnd || this.#state === STREAMING) this.#pump();
      },
      onError: (message) => this.#fail("closed", message),
    });
  }

  static {
    cancelJob = (channel, job) => channel.#cancel(job);
  }

  submit(command: AtCommand, done: AtDone): { cancel(): void } {
    // newJob(), written out: this is the per-command path.
    const job = {
      __proto__: jobMethods,
      channel: this,
      command,
      done,
      expect: command.expect === undefined ? undefined : encodedPrefix(command.expect),
      urcPrefix: command.awaitUrc === undefined ? undefined : encodedPrefix(command.awaitUrc.prefix),
      escapeOnly: false,
      reported: false,
      escapeReason: undefined,
    } as unknown as Job;
    const queued = this.#queue.length;
    if (this.#state === IDLE && queued === 0 && !this.#advancing) {
      this.#start(job); // the common case: nothing in flight, skip the queue
    } else if (this.#state === CLOSED) {
      this.#report(job, new AtError("closed", traceOf(command)));
    } else if (queued >= QUEUE_CAPACITY) {
      this.#report(job, new AtError("busy", traceOf(command)));
    } else {
      this.#queue.push(job);
    }
    return job;
  }

  run(command: AtCommand): Promise<void> {
    return new Promise((resolve, reject) => {
      this.submit(command, (error) => (error ? reject(error) : resolve()));
    });
  }

  /**
   * Recovery of a modem that may be stuck in data mode with nothing of ours in flight: 1 s of
   * silence, `+++`, 1 s of silence, then OK (back in command mode) within `timeoutMs`. Queued like a
   * command; `done` gets undefined on OK, else the AtError (timeout when the modem stays silent).
   */
  escape(timeoutMs: number, done: AtDone): { cancel(): void } {
    const job = newJob(this, { line: "", timeoutMs, traceAs: "+++" }, done, true);
    if (this.#state === CLOSED) this.#report(job, new AtError("closed", "+++"));
    else if (this.#queue.length >= QUEUE_CAPACITY) this.#report(job, new AtError("busy", "+++"));
    else if (this.#state === IDLE && !this.#advancing && this.#queue.length === 0) this.#start(job);
    else this.#queue.push(job);
    return job;
  }

  /** Lines starting with `prefix` (two characters at least, e.g. `RDY`, `+QIURC:`) go to `handler`. */
  subscribe(prefix: string, handler: UrcHandler): () => void {
    if (prefix.length < 2) throw new RangeError(`URC prefix ${JSON.stringify(prefix)} is shorter than 2 characters`);
    const subscription = { prefix: ascii(prefix), handler };
    this.#subscriptions.push(subscription);
    return () => {
      const i = this.#subscriptions.indexOf(subscription);
      if (i >= 0) this.#subscriptions.splice(i, 1);
    };
  }

  /**
   * The modem restarted (`RDY`): fail the command in flight and every queued one with `reset`, at
   * once. No `+++` and no waiting for a final result: a modem that just booted is in command mode
   * and will never answer what was asked before. The channel stays open for new commands.
   */
  abortAll(kind: AtErrorKind = "reset", detail = "modem restarted"): void {
    if (this.#state === CLOSED) return;
    const job = this.#job;
    const queued = this.#queue.splice(0, this.#queue.length);
    this.#framer.reset();
    if (job) this.#finish(job, new AtError(kind, traceOf(job.command), 0, detail));
    for (const waiting of queued) this.#report(waiting, new AtError(kind, traceOf(waiting.command), 0, detail));
  }

  /** True while a command is in flight or queued. */
  get busy(): boolean {
    return this.#job !== undefined || this.#queue.length > 0;
  }

  close(): void {
    if (this.#state === CLOSED) return;
    this.#fail("closed", "closed by caller");
    try {
      this.#port.close();
    } catch {
      // Closing a port that already failed may throw; it is closed either way.
    }
  }

  // ---- FramerSink -------------------------------------------------------------------------------

  onLine(line: Line): void {
    if (this.#trace !== undefined) this.#trace("rx", line.text());
    const b = line.bytes;
    const s = line.start;
    const e = line.end;
    // Sorted by the first byte, so a line is compared only with the few patterns it could be; most
    // lines (information, URCs) start with '+', then OK, then our echo.
    let result = NOT_A_RESULT;
    switch (b[s]) {
      case 0x2b: // +
        if (b[s + 1] === 0x43 && b[s + 2] === 0x4d) {
          // +CM...: +CME ERROR: or +CMS ERROR: (or an ordinary +CMTI:, +CMGS: ...)
          const c = b[s + 3];
          if (c === 0x45) {
            if (matchesAt(b, s, e, CME, 4)) result = RESULT_CME;
          } else if (c === 0x53 && matchesAt(b, s, e, CMS, 4)) result = RESULT_CMS;
        }
        break;
      case 0x4f: // O
        if (e - s === 2 && b[s + 1] === 0x4b) result = RESULT_OK;
        break;
      case 0x41: // A
      case 0x61: // a
        if (e - s >= 2 && (b[s + 1] | 0x20) === 0x74) {
          this.stats.echoes++; // our echoed "AT..."
          return;
        }
        break;
      case 0x45: // E
        if (e - s === 5 && matchesAt(b, s, e, ERROR)) result = RESULT_ERROR;
        break;
      case 0x43: // C
        if (matchesAt(b, s, e, CONNECT)) result = RESULT_CONNECT;
        break;
      case 0x4e: // N
        if (e - s === 10 && matchesAt(b, s, e, NO_CARRIER)) result = RESULT_NO_CARRIER;
        break;
    }
    const job = this.#job;
    const state = this.#state;
    // Between a command's line going out and its final result. (IDLE has no job; AWAIT_URC and
    // CLOSED are the only states after the command phase ones.)
    const commandPhase = job !== undefined && state < AWAIT_URC;
    if (result !== NOT_A_RESULT) {
      if (commandPhase) {
        switch (result) {
          case RESULT_OK:
            if (job!.escapeReason === undefined && job!.command.awaitUrc === undefined) return this.#finish(job!, undefined);
            return this.#onOk(job!);
          case RESULT_ERROR:
            return this.#complete(job!, "error", 0);
          case RESULT_CME:
            return this.#complete(job!, "cme", errorCodeOf(line));
          case RESULT_CMS:
            return this.#complete(job!, "cms", errorCodeOf(line));
          case RESULT_NO_CARRIER:
            return this.#complete(job!, "no-carrier", 0);
        }
        // CONNECT: the start of a data phase, or else an ordinary line (below).
        if (state === AWAIT_FINAL && job!.command.data && this.#dataSent === 0) return this.#startData(job!);
      } else if (result !== RESULT_CONNECT) {
        this.stats.strayResults++;
        return;
      }
    }
    if (commandPhase) {
      const expect = job!.expect;
      if (expect !== undefined) {
        // matchesAt(), written out: most lines of a command's answer come this way.
        const n = expect.length;
        if (n > 0 && n <= e - s) {
          let i = 0;
          while (i < n && b[s + i] === expect[i]) i++;
          if (i === n) {
            if (!job!.reported) job!.command.onInfo?.(line);
            return;
          }
        }
      }
    } else if (state === AWAIT_URC && matchesAt(b, s, e, job!.urcPrefix!)) {
      if (!job!.reported) job!.command.awaitUrc!.onUrc(line);
      return this.#finish(job!, undefined);
    }
    let claimed = false;
    const subscriptions = this.#subscriptions;
    const first = b[s];
    const second = b[s + 1]; // prefixes have two bytes at least (subscribe checks), most start with '+'
    for (let i = 0; i < subscriptions.length; i++) {
      const subscription = subscriptions[i];
      const prefix = subscription.prefix;
      if (prefix[0] === first && prefix[1] === second && matchesAt(b, s, e, prefix)) {
        claimed = true;
        subscription.handler(line);
      }
    }
    if (claimed) return;
    if (commandPhase && job!.expect !== undefined && job!.expect.length === 0) {
      if (!job!.reported) job!.command.onInfo?.(line);
      return;
    }
    this.stats.unknownUrcs++;
  }

  onAck(): void {
    this.stats.acks++;
    if (this.#state === STREAMING && this.#awaitingAck) {
      this.#awaitingAck = false;
      this.#blockSent = 0;
      this.#pump();
    }
  }

  onPrompt(): void {
    const job = this.#job;
    if (job && this.#state === AWAIT_FINAL && job.command.data && this.#dataSent === 0) this.#startData(job);
  }

  onOverflow(): void {
    this.stats.overflowLines++;
    this.#log?.("warn", `AT line longer than the ${LINE_CAPACITY}-byte line buffer dropped`);
  }

  // ---- queue and states -------------------------------------------------------------------------

  #advance(): void {
    if (this.#advancing) return; // a done() callback submitted from inside #finish
    this.#advancing = true;
    try {
      while (this.#state === IDLE && this.#queue.length > 0) {
        const job = this.#queue.shift()!;
        this.#start(job);
      }
    } finally {
      this.#advancing = false;
    }
  }

  #start(job: Job): void {
    if (job.escapeOnly) {
      this.#job = job;
      this.#framer.ackMode = false;
      this.#framer.promptMode = false;
      this.#state = GUARD_BEFORE;
      this.#arm(ESCAPE_GUARD_MS);
      return;
    }
    const command = job.command;
    const line = command.line;
    const length = line.length + 1;
    if (length > TX_LINE_CAPACITY + 1 || NOT_PRINTABLE_ASCII.test(line)) {
      // Never put a control byte or an over-long line on the wire: it could end the command early.
      this.#report(job, new AtError("invalid", traceOf(command), 0, "not printable ASCII or too long"));
      return;
    }
    const out = this.#lineOut;
    // Printable ASCII is its own UTF-8, so the host's encoder writes exactly the line's bytes.
    if (this.#encoder !== undefined) this.#encoder.encodeInto(line, out);
    else for (let i = 0; i < length - 1; i++) out[i] = line.charCodeAt(i);
    out[length - 1] = 0x0d;
    this.#job = job;
    if (command.data !== undefined) {
      this.#dataSent = 0;
      this.#blockSent = 0;
      this.#awaitingAck = false;
      this.#framer.promptMode = true; // both modes are cleared when a command finishes
    }
    if (this.#trace !== undefined) this.#trace("tx", traceOf(command));
    if (this.#writable >= length && !this.#pumping) {
      // The usual case: the whole line fits the port's free space, so it goes out in one write.
      this.#writable -= length;
      this.#state = AWAIT_FINAL;
      try {
        this.#port.write(out.subarray(0, length));
      } catch (e) {
        return this.#fail("closed", `write failed: ${(e as Error).message}`);
      }
      if (this.#job !== job) return; // answered from inside write()
      // #arm(), written out: the deadline counts from the line's last byte.
      const due = this.#clock.now() + command.timeoutMs;
      this.#deadline = due;
      if (this.#timer === undefined || this.#timerDue > due) this.#arm(command.timeoutMs);
      return;
    }
    this.#state = WRITING;
    this.#out = out;
    this.#outOffset = 0;
    this.#outEnd = length;
    this.#pump(); // arms the deadline when it writes
    if (this.#deadline === Infinity && this.#job === job) this.#arm(command.timeoutMs); // port full: count from now
  }

  #send(bytes: Uint8Array, length: number): void {
    this.#out = bytes;
    this.#outOffset = 0;
    this.#outEnd = length;
  }

  /** Writes what is pending, never more than the port said it can take. */
  #pump(): void {
    if (this.#pumping) return; // a port that reports onWritable from inside write()
    this.#pumping = true;
    let wrote = false;
    try {
      while (this.#writable > 0) {
        if (this.#outOffset < this.#outEnd) {
          const start = this.#outOffset;
          const left = this.#outEnd - start;
          const n = this.#writable < left ? this.#writable : left;
          // Account first: a port may report new space from inside write().
          this.#writable -= n;
          this.#outOffset += n;
          try {
            this.#port.write(this.#out.subarray(start, start + n));
          } catch (e) {
            this.#fail("closed", `write failed: ${(e as Error).message}`);
            return;
          }
          wrote = true;
          if (this.#outOffset === this.#outEnd) this.#onWritten();
          continue;
        }
        if (this.#state !== STREAMING || this.#awaitingAck || !this.#refill()) return;
      }
    } finally {
      this.#pumping = false;
      // The deadline counts from our last byte; escape guards keep their own timer.
      const state = this.#state;
      if (wrote && this.#job && (state === WRITING || state === AWAIT_FINAL || state === STREAMING || state === ESCAPING)) {
        this.#arm(this.#job.command.timeoutMs);
      }
    }
  }

  #onWritten(): void {
    const job = this.#job!;
    if (this.#state === WRITING) this.#state = AWAIT_FINAL;
    else if (this.#state === STREAMING) {
      const data = job.command.data!;
      if (!job.reported) data.onProgress?.(this.#dataSent, data.length);
      if (this.#dataSent === data.length) {
        this.#state = AWAIT_FINAL; // the modem answers once it has counted every byte
        if (this.#trace) this.#trace("tx", `<${data.length} data bytes>`);
      }
    } else if (this.#state === ESCAPING) {
      this.#state = GUARD_AFTER;
      this.#arm(ESCAPE_GUARD_MS);
    }
  }

  #startData(job: Job): void {
    this.#state = STREAMING;
    this.#framer.promptMode = false;
    this.#framer.ackMode = job.command.data!.ackBlock !== undefined;
    if (job.reported) return this.#beginEscape(job, "cancelled"); // cancelled while waiting for CONNECT
    if (job.command.data!.length === 0) {
      this.#state = AWAIT_FINAL;
      return;
    }
    this.#pump();
  }

  /** Loads the next chunk from the source; false when nothing more can be sent now. */
  #refill(): boolean {
    const job = this.#job!;
    const data = job.command.data!;
    const remaining = data.length - this.#dataSent;
    if (remaining === 0) return false;
    const block = data.ackBlock;
    if (block !== undefined && this.#blockSent === block) {
      this.#awaitingAck = true;
      return false;
    }
    let want = remaining < DATA_CHUNK ? remaining : DATA_CHUNK;
    if (block !== undefined && block - this.#blockSent < want) want = block - this.#blockSent;
    let n: number;
    try {
      n = data.source.read(want === DATA_CHUNK ? this.#chunk : this.#chunk.subarray(0, want));
    } catch (e) {
      this.#log?.("error", `data source failed: ${(e as Error).message}`);
      n = 0;
    }
    if (!(n > 0)) {
      this.#beginEscape(job, "source");
      return false;
    }
    if (n > want) n = want;
    this.#dataSent += n;
    this.#blockSent += n;
    this.#send(this.#chunk, n);
    return true;
  }

  /** Ends a data phase early: 1 s of silence, `+++`, 1 s of silence, then the modem's answer. */
  #beginEscape(job: Job, reason: AtErrorKind): void {
    job.escapeReason = reason;
    this.#outOffset = this.#outEnd; // drop what the port has not taken yet
    this.#awaitingAck = false;
    this.#framer.ackMode = false;
    this.#state = GUARD_BEFORE;
    this.#arm(ESCAPE_GUARD_MS);
  }

  #onTimer(): void {
    const job = this.#job;
    if (!job) return;
    switch (this.#state) {
      case GUARD_BEFORE:
        this.#state = ESCAPING;
        this.#send(PLUS3, 3);
        if (this.#trace) this.#trace("tx", "+++");
        this.#pump();
        return;
      case GUARD_AFTER:
        this.#state = AWAIT_FINAL;
        this.#arm(job.command.timeoutMs);
        return;
      case AWAIT_URC:
        return this.#finish(job, new AtError("urc-timeout", traceOf(job.command)));
      case STREAMING:
        // The modem stopped taking data or acknowledging it: leave data mode before anything else.
        this.#log?.("warn", `${traceOf(job.command)}: data phase stalled`);
        this.#report(job, new AtError("timeout", traceOf(job.command), 0, "data phase stalled"));
        return this.#beginEscape(job, "timeout");
      default:
        return this.#finish(job, new AtError("timeout", traceOf(job.command)));
    }
  }

  #onOk(job: Job): void {
    if (job.escapeReason) return this.#complete(job, job.escapeReason, 0);
    if (job.command.awaitUrc) {
      this.#state = AWAIT_URC;
      this.#framer.ackMode = false;
      this.#arm(job.command.awaitUrc.timeoutMs);
      return;
    }
    this.#finish(job, undefined);
  }

  #complete(job: Job, kind: AtErrorKind, code: number): void {
    const reason = job.escapeReason;
    const detail = reason && reason !== kind ? `data phase ended early: ${reason}` : "";
    this.#finish(job, new AtError(reason ?? kind, traceOf(job.command), reason ? 0 : code, detail));
  }

  #finish(job: Job, error: AtError | undefined): void {
    this.#deadline = Infinity; // a pending host timer will find nothing due
    this.#job = undefined;
    this.#state = IDLE;
    const framer = this.#framer;
    framer.ackMode = false;
    framer.promptMode = false;
    this.#outOffset = this.#outEnd;
    if (!job.reported) {
      job.reported = true;
      job.done(error);
    }
    if (this.#queue.length > 0) this.#advance();
  }

  #report(job: Job, error: AtError | undefined): void {
    if (job.reported) return;
    job.reported = true;
    job.done(error);
  }

  #cancel(job: Job): void {
    if (job.reported) return;
    const queued = this.#queue.indexOf(job);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      return this.#report(job, new AtError("cancelled", traceOf(job.command)));
    }
    if (job !== this.#job) return;
    // The modem is already working on it: tell the caller now, then bring the modem back to
    // command mode (escape a data phase, absorb the final result) before the next command.
    this.#report(job, new AtError("cancelled", traceOf(job.command)));
    if (this.#state === STREAMING) this.#beginEscape(job, "cancelled");
    else if (this.#state === AWAIT_URC) this.#finish(job, undefined);
  }

  #fail(kind: AtErrorKind, detail: string): void {
    if (this.#state === CLOSED) return;
    this.#state = CLOSED;
    this.#disarm();
    if (this.#timer !== undefined) {
      // Nothing will run again: let the host's timer go (a Node process can then exit).
      this.#clock.clearTimer(this.#timer);
      this.#timer = undefined;
    }
    this.#log?.("error", `AT channel: ${detail}`);
    const job = this.#job;
    this.#job = undefined;
    if (job) this.#report(job, new AtError(kind, traceOf(job.command), 0, detail));
    while (this.#queue.length > 0) {
      const queued = this.#queue.shift()!;
      this.#report(queued, new AtError(kind, traceOf(queued.command), 0, detail));
    }
  }

  /**
   * Reads what the port says it holds (the ESP32's 128-byte FIFO must be emptied promptly). More
   * bytes arriving meanwhile bring another onReadable, so `count` is trusted rather than reading
   * until the port returns 0 (one read call fewer per burst).
   */
  // An arrow in a field, handed to the port as is: one call per burst, not two.
  readonly #onReadable = (count: number): void => {
    const port = this.#port;
    const framer = this.#framer;
    const window = framer.window; // read straight into the framer: lines are parsed where they land
    let remaining = count > 0 ? count : 1;
    while (remaining > 0 && this.#state !== CLOSED) {
      let n: number;
      try {
        n = port.read(window);
      } catch (e) {
        return this.#fail("closed", `read failed: ${(e as Error).message}`);
      }
      if (!(n > 0)) return;
      remaining -= n;
      framer.received(n);
    }
  };

  /**
   * Sets the one deadline. The host timer is only replaced when it would fire too late; one that
   * fires early finds the deadline moved and sleeps again (as Moddable's Timer.schedule is used).
   * This keeps timer churn off the per-command path.
   */
  #arm(ms: number): void {
    const due = this.#clock.now() + ms;
    this.#deadline = due;
    if (this.#timer !== undefined) {
      if (this.#timerDue <= due) return;
      this.#clock.clearTimer(this.#timer);
    }
    this.#timerDue = due;
    this.#timer = this.#clock.setTimer(this.#onTimerBound, ms);
  }

  #disarm(): void {
    this.#deadline = Infinity; // a pending host timer will find nothing due
  }

  readonly #onTimerBound = (): void => {
    this.#timer = undefined;
    const remaining = this.#deadline - this.#clock.now();
    if (remaining === Infinity) return;
    if (remaining > 0) {
      this.#timerDue = this.#deadline;
      this.#timer = this.#clock.setTimer(this.#onTimerBound, remaining);
      return;
    }
    this.#deadline = Infinity;
    this.#onTimer();
  };
}

function traceOf(command: AtCommand): string {
  return command.traceAs ?? command.line;
}

/** The number after `+CME ERROR:` / `+CMS ERROR:` (11 bytes), read in place; 0 when there is none
 *  (CMEE=2 gives text, which the error table cannot use anyway). */
function errorCodeOf(line: Line): number {
  const b = line.bytes;
  const end = line.end;
  let p = line.start + 11;
  while (p < end && b[p] === 0x20) p++;
  let code = 0;
  let digits = 0;
  for (; p < end; p++) {
    const d = b[p] - 0x30;
    if (d < 0 || d > 9) break;
    code = code * 10 + d;
    digits++;
  }
  return digits > 0 && p === end ? code : 0;
}

/** A byte outside printable ASCII: a control byte could end the command line early. (Searching for
 *  one costs XS about a third of matching the whole line against the allowed set.) */
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/;
