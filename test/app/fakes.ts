// Test doubles for the app: a mailer that records every email (reading its streams to the end, as the
// modem would) and fails on demand, modem power that counts on/off, a RAM state store, a settable wall
// clock, and a "world" that puts outbox, history and a probe byte in ONE RamStorage, so a single
// cutAfter(k) can cut power at any byte-step of a wake, including state saves and deliveries.

import type { Email } from "../../src/mail/email";
import { validateEmail } from "../../src/mail/validate";
import type { SendResult } from "../../src/mailer/types";
import { Outbox } from "../../src/outbox/outbox";
import { StorageRegion } from "../../src/app/region";
import type { AppConfig } from "../../src/app/config";
import type { ReadingSource } from "../../src/app/readings";
import type { StateStore } from "../../src/app/state";
import { runWake, type WakeContext, type WakeResult } from "../../src/app/wake";
import { RamStorage } from "../outbox/ram-storage";

export interface SentEmail {
  subject: string;
  to: string[];
  body: string;
  declaredBodyLength: number;
  attachments: { name: string; declaredLength: number; text: string }[];
  /** The outbox id parsed from the subject. */
  id: number;
  kind: "alarm" | "report";
  delivered: boolean;
}

/** Reads a stream as the modem does, with small pieces, and checks it ends exactly at `length`. */
export function drain(source: { read(into: Uint8Array): number }, length: number): string {
  const chunk = new Uint8Array(37);
  const parts: Buffer[] = [];
  let total = 0;
  for (;;) {
    const n = source.read(chunk);
    if (n === 0) break;
    parts.push(Buffer.from(chunk.subarray(0, n)));
    total += n;
    if (total > length + 1_000_000) break;
  }
  const text = Buffer.concat(parts).toString("latin1");
  if (total !== length) throw new Error(`stream gave ${total} bytes, declared ${length}`);
  return text;
}

export type Outcome = Partial<SendResult> & { delivered: boolean };
export const delivered: Outcome = { delivered: true };
export const transient = (err = 654): Outcome => ({ delivered: false, err, retry: "transient" });
export const permanent = (protocolError = 550): Outcome => ({ delivered: false, err: 653, protocolError, retry: "permanent" });

export class FakeMailer {
  readonly emails: SentEmail[] = [];
  /** Outcomes for the next sends, in order; delivered when empty. */
  readonly plan: Outcome[] = [];
  /** Called before and after the "delivery" (reset-test probes). */
  probe: (() => void) | undefined;

  async send(email: Email): Promise<SendResult> {
    validateEmail(email); // what the real mailer does first (throws ValidationError)
    const sent = record(email);
    this.probe?.();
    const outcome = this.plan.shift() ?? delivered;
    sent.delivered = outcome.delivered;
    this.emails.push(sent);
    this.probe?.();
    return { err: 0, protocolError: 0, attempts: 1, phases: [], ...outcome };
  }

  get deliveredEmails(): SentEmail[] {
    return this.emails.filter((e) => e.delivered);
  }
}

function record(email: Email): SentEmail {
  let body: string;
  let declared: number;
  if (typeof email.body === "string") {
    body = email.body;
    declared = Buffer.byteLength(body);
  } else if (email.body instanceof Uint8Array) {
    body = Buffer.from(email.body).toString("latin1");
    declared = email.body.length;
  } else {
    declared = email.body.length;
    body = drain(email.body.source, declared);
  }
  const attachments = (email.attachments ?? []).map((a) => {
    if ("bytes" in a) return { name: a.name, declaredLength: a.bytes.length, text: Buffer.from(a.bytes).toString("latin1") };
    return { name: a.name, declaredLength: a.length, text: drain(a.source, a.length) };
  });
  const m = /^\[ec20-mail #(\d+)\] /.exec(email.subject);
  return {
    subject: email.subject, to: [...email.to], body, declaredBodyLength: declared, attachments,
    id: m ? Number(m[1]) : -1, kind: / report /.test(email.subject) ? "report" : "alarm", delivered: false,
  };
}

export class FakeModem {
  on = false;
  powerOns = 0;
  powerOffs = 0;
  failPowerOn = false;
  failPowerOff = false;
  probe: (() => void) | undefined;
  async powerOn(): Promise<void> {
    this.probe?.();
    this.powerOns++;
    if (this.failPowerOn) throw new Error("no RDY");
    this.on = true;
  }
  async powerOff(): Promise<void> {
    this.powerOffs++;
    this.on = false;
    if (this.failPowerOff) throw new Error("no POWERED DOWN");
    this.probe?.();
  }
  /** What AT+CCLK? gives, as UTC seconds (undefined: a clock nobody set); an Error fails the query. */
  network: number | Error | undefined | (() => number) = undefined;
  timeQueries = 0;
  async networkTime(): Promise<number | undefined> {
    this.timeQueries++;
    if (!this.on) throw new Error("modem is off");
    if (this.network instanceof Error) throw this.network;
    return typeof this.network === "function" ? this.network() : this.network;
  }
}

export class RamStateStore implements StateStore {
  bytes: Uint8Array | undefined;
  saves = 0;
  probe: (() => void) | undefined;
  load(): Uint8Array | undefined {
    return this.bytes?.slice();
  }
  save(bytes: Uint8Array): void {
    this.probe?.(); // a cut here: the save did not happen (NVS sets are atomic)
    this.bytes = bytes.slice();
    this.saves++;
  }
}

/** A scripted source: value(t) from a function. */
export function scripted(id: string, unit: string, value: (t: number) => number, decimals = 2): ReadingSource {
  return { id, unit, decimals, sample: value };
}

export const BLOCK = 1024;
export const OUTBOX_BLOCKS = 6;
export const HISTORY_BLOCKS = 4;

/** Everything a device keeps across resets, plus the fakes; `boot()` builds a fresh wake context over it. */
export class World {
  readonly storage: RamStorage;
  readonly historyBlocks: number;
  readonly state = new RamStateStore();
  readonly mailer = new FakeMailer();
  readonly modem = new FakeModem();
  readonly logs: string[] = [];
  readonly probeByte = new Uint8Array([0xff]);
  now: number;
  config: AppConfig;
  sources: ReadingSource[];
  seed = 1;

  constructor(config: AppConfig, sources: ReadingSource[], options: { start?: number; historyBlocks?: number } = {}) {
    this.historyBlocks = options.historyBlocks ?? HISTORY_BLOCKS;
    this.storage = new RamStorage({ blocks: OUTBOX_BLOCKS + this.historyBlocks + 1, blockSize: BLOCK, mode: "flash" });
    const start = options.start ?? Date.UTC(2026, 11, 3, 15, 0, 0) / 1000;
    this.config = config;
    this.sources = sources;
    this.now = start;
  }

  /** One byte-step on the shared storage (writing 0xFF over erased flash changes nothing): a cut point. */
  probe = (): void => {
    this.storage.write(this.storage.size - 1, this.probeByte);
  };

  /** Makes state saves, deliveries and power calls cut points too. */
  armProbes(): void {
    this.state.probe = this.probe;
    this.mailer.probe = this.probe;
    this.modem.probe = this.probe;
  }

  /** A fresh context over the same storage: what a reboot constructs. */
  boot(): WakeContext {
    let seed = this.seed++;
    const outbox = new Outbox({
      storage: new StorageRegion(this.storage, 0, OUTBOX_BLOCKS * BLOCK),
      random: () => ((seed = (seed * 16807) % 2147483647) / 2147483647),
    });
    return {
      config: this.config, sources: this.sources, outbox,
      historyStorage: new StorageRegion(this.storage, OUTBOX_BLOCKS * BLOCK, this.historyBlocks * BLOCK),
      state: this.state, mailer: this.mailer, modem: this.modem,
      now: () => this.now,
      ...(this.clockSettable ? { setClock: (t: number) => { this.clockSets.push(t); this.now = t; } } : {}),
      log: (level, message) => this.logs.push(`${level} ${message}`),
    };
  }
  /** The host can set the wall clock (as the ESP32's RTC): the app then syncs it to the network. */
  clockSettable = false;
  readonly clockSets: number[] = [];

  async wake(): Promise<WakeResult> {
    const ctx = this.boot();
    const result = await runWake(ctx);
    this.lastOutbox = ctx.outbox;
    return result;
  }
  lastOutbox: Outbox | undefined;

  /** Sleeps as the app asked, then wakes. */
  async sleepAndWake(result: WakeResult): Promise<WakeResult> {
    this.now += result.sleepS;
    return this.wake();
  }
}

export function baseConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    deviceName: "node-7",
    recipients: ["ops@example.com"],
    reportPeriodS: 3600,
    samplePeriodS: 600,
    rules: [{ id: "tank-high", source: "temp", direction: "above", threshold: 80, hysteresis: 2 }],
    ...overrides,
  };
}

/** Parses a CSV attachment back into rows. */
export function parseCsv(text: string): { time: number; source: string; value: number }[] {
  const lines = text.split("\n");
  if (lines[0] !== "time,source,value") throw new Error(`bad header ${lines[0]}`);
  if (lines[lines.length - 1] !== "") throw new Error("no final newline");
  return lines.slice(1, -1).map((line) => {
    const [t, source, v] = line.split(",");
    return { time: Date.parse(t) / 1000, source, value: Number(v) };
  });
}
