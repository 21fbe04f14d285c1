// Runs the telemetry/alarm app (src/app/wake.ts) on Node: the outbox and readings history in one
// file (FileStorage), the app state in another (StateFile), the real Mailer over the serial modem.
// "Power on" opens and probes the port (a USB modem has no PWRKEY to press), "power off" closes it.
// Between wakes it sleeps for real, or with `noSleep` moves a virtual clock on instead (demos, tests).

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { StorageRegion } from "../../../src/app/region";
import { runWake, type ModemControl, type WakeResult } from "../../../src/app/wake";
import type { Log } from "../../../src/host/types";
import type { Email } from "../../../src/mail/email";
import { Mailer } from "../../../src/mailer/mailer";
import type { MailerSettings, SendResult } from "../../../src/mailer/types";
import { Outbox } from "../../../src/outbox/outbox";
import { nodeClock } from "../clock";
import { FileStorage } from "../file-storage";
import { StateFile } from "../state-file";
import { buildSources, type AppFile } from "./app-file";
import type { SecretMask } from "./mask";
import { connectModem, type ModemLink } from "./modem";
import type { Connection } from "./settings";

/** Storage layout of the data file: 4 KB blocks as on ESP32 flash; 8 for the outbox, 8 (2048 readings) for the history. */
const BLOCK = 4096;
const OUTBOX_BLOCKS = 8;
const HISTORY_BLOCKS = 8;

export interface AppRunOptions {
  app: AppFile;
  dataDir: string;
  connection: Connection;
  settings: MailerSettings;
  mask: SecretMask;
  /** App messages ("#3 alarm delivered", warnings), printed for the user. */
  appLog: Log;
  /** The core's (mailer, channel) diagnostics. */
  coreLog: Log;
  trace?: (text: string) => void;
  /** Stop after this many wakes (undefined: run until interrupted). */
  wakes?: number;
  /** Advance a virtual clock by each sleep instead of sleeping. */
  noSleep: boolean;
  /** With noSleep: the virtual clock's first wake (seconds) for a new data folder (default: now). */
  startS?: number;
  onWake?(n: number, atS: number, result: WakeResult): void;
}

interface ClockFile {
  /** The first wake (excursions count from it). */
  startS: number;
  /** The virtual clock (noSleep): where the next wake happens. */
  nextS: number;
}

export async function runApp(options: AppRunOptions): Promise<{ wakes: number; sent: number; failed: number }> {
  mkdirSync(options.dataDir, { recursive: true });
  const clockPath = path.join(options.dataDir, "clock.json");
  const clock = readClock(clockPath, options.noSleep ? options.startS : undefined);
  const sources = buildSources(options.app, clock.startS);
  const storage = new FileStorage({ path: path.join(options.dataDir, "storage.bin"), size: (OUTBOX_BLOCKS + HISTORY_BLOCKS) * BLOCK, blockSize: BLOCK });
  const state = new StateFile(path.join(options.dataDir, "state.bin"));
  const modem = new NodeModem(options);
  let virtualNow = clock.nextS;
  const now = () => (options.noSleep ? virtualNow : Date.now() / 1000);
  const totals = { wakes: 0, sent: 0, failed: 0 };
  let seed = 1;
  try {
    while (options.wakes === undefined || totals.wakes < options.wakes) {
      const atS = Math.floor(now());
      // A fresh outbox over the same file each wake: what a device builds after deep sleep.
      const outbox = new Outbox({
        storage: new StorageRegion(storage, 0, OUTBOX_BLOCKS * BLOCK),
        random: () => ((seed = (seed * 16807) % 2147483647) / 2147483647),
      });
      const result = await runWake({
        config: options.app, sources, outbox,
        historyStorage: new StorageRegion(storage, OUTBOX_BLOCKS * BLOCK, HISTORY_BLOCKS * BLOCK),
        state, mailer: modem, modem, now, log: options.appLog,
      });
      totals.wakes++;
      totals.sent += result.sent;
      totals.failed += result.failed;
      options.onWake?.(totals.wakes, atS, result);
      if (options.noSleep) {
        virtualNow = atS + result.sleepS;
        writeClock(clockPath, { startS: clock.startS, nextS: virtualNow });
      } else if (options.wakes === undefined || totals.wakes < options.wakes) {
        await new Promise((resolve) => setTimeout(resolve, result.sleepS * 1000));
      }
    }
  } finally {
    await modem.powerOff();
    storage.close();
  }
  return totals;
}

function readClock(file: string, startS: number | undefined): ClockFile {
  try {
    const saved = JSON.parse(readFileSync(file, "utf8")) as ClockFile;
    if (Number.isFinite(saved.startS) && Number.isFinite(saved.nextS)) return saved;
  } catch {
    // first run
  }
  const nowS = startS ?? Math.floor(Date.now() / 1000);
  const fresh = { startS: nowS, nextS: nowS };
  writeClock(file, fresh);
  return fresh;
}

function writeClock(file: string, clock: ClockFile): void {
  writeFileSync(file, JSON.stringify(clock) + "\n");
}

/** The app's modem and mailer on Node: on = port open and probed, off = port closed. */
class NodeModem implements ModemControl {
  readonly #options: AppRunOptions;
  #link: ModemLink | undefined;
  #mailer: Mailer | undefined;

  constructor(options: AppRunOptions) {
    this.#options = options;
  }

  async powerOn(): Promise<void> {
    const o = this.#options;
    this.#link = await connectModem({ connection: o.connection, mask: o.mask, log: o.coreLog, ...(o.trace ? { trace: o.trace } : {}) });
    this.#mailer = new Mailer({ channel: this.#link.channel, clock: nodeClock, log: o.coreLog, settings: o.settings });
  }

  async powerOff(): Promise<void> {
    this.#link?.close();
    this.#link = undefined;
    this.#mailer = undefined;
  }

  send(email: Email): Promise<SendResult> {
    if (!this.#mailer) throw new Error("send while the modem is off");
    return this.#mailer.send(email);
  }
}
