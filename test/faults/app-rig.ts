// A whole device for fault runs: the app's runWake with its durable outbox, history and state, the
// real Mailer, ModemPower and the recovery ladder, over the EC20 simulator on a virtual clock, whose
// SMTP client delivers to a real smtp-server on loopback. Every wake is a fresh boot of the ESP32
// (new channel, power, mailer, outbox object over the same storage), as after deep sleep; the modem,
// the storage and the server persist. Trace and log of each run go to test-output/faults/.
import { mkdirSync, writeFileSync } from "node:fs";
import { runWake, type WakeResult } from "../../src/app/wake";
import type { AppConfig } from "../../src/app/config";
import type { StateStore } from "../../src/app/state";
import type { ReadingSource } from "../../src/app/readings";
import { AtChannel } from "../../src/at/channel";
import { BytesSource } from "../../src/ec20/commands/checksum";
import { ModemPower } from "../../src/ec20/power";
import { ModemRecovery, type RecoveryRung } from "../../src/ec20/recovery";
import { linkModem } from "../../src/app/modem-link";
import type { Log } from "../../src/host/types";
import { Mailer } from "../../src/mailer/mailer";
import type { MailerSettings } from "../../src/mailer/types";
import { Outbox } from "../../src/outbox/outbox";
import { createSimulator, VirtualClock, type DeliverFn, type DeliveryRequest, type DeliveryResult, type Fault } from "../../sim/index";
import { PowerLoss, RamStorage } from "../outbox/ram-storage";
import { startSmtpFixture, testCerts, type SmtpFaults, type SmtpFixtureMode } from "../../sim/local-smtp-server";
import { simulatorPins } from "./pins";
import { virtualDrive } from "./virtual-drive";

/** Wall-clock start of every run: 2027-01-15 08:00:00 UTC plus 100 s (reports fall on full hours). */
export const WALL_START_S = 1_800_000_000 + 100;
export const OUTPUT_DIR = new URL("../../test-output/faults/", import.meta.url);

export interface DeviceOptions {
  name: string;
  mode?: SmtpFixtureMode;
  simFaults?: Fault[];
  /** Live: a scenario may change them between wakes (the fixture reads them on every session). */
  smtpFaults?: SmtpFaults;
  /** Wraps the simulator's real SMTP engine. */
  deliver?: (real: DeliverFn, device: Device) => DeliverFn;
  /** The CA the device trusts (default the one that signed the server's certificate). */
  caPem?: string;
  /** The device's wall clock at virtual time 0 (default WALL_START_S; e.g. 0 after a power loss). */
  wallStartS?: number;
  /** The ESP32 host's setClock: the app may set the wall clock from the modem's network time. */
  settableClock?: boolean;
  /** The network time the simulated modem learns on registration (sim option networkTime). */
  networkTime?: { utcMsAtZero: number; zoneQuarters?: number };
}

/** A source whose value a scenario sets; starts above the alarm threshold, so wake 1 raises one alarm. */
class Level implements ReadingSource {
  readonly id = "level";
  readonly unit = "%";
  readonly decimals = 1;
  value = 97;
  sample(): number {
    return this.value;
  }
}

class RamStateStore implements StateStore {
  bytes: Uint8Array | undefined;
  load() {
    return this.bytes?.slice();
  }
  save(bytes: Uint8Array) {
    this.bytes = bytes.slice();
  }
}

export const CONFIG: AppConfig = {
  deviceName: "Tank 3",
  recipients: ["ops@example.test"],
  reportPeriodS: 3600,
  samplePeriodS: 600,
  rules: [{ id: "tank-high", source: "level", direction: "above", threshold: 90, hysteresis: 5 }],
};

export interface Delivery {
  /** Virtual ms at which the server accepted it. */
  atMs: number;
  subject: string;
  body: string;
}

export async function startDevice(options: DeviceOptions) {
  const mode = options.mode ?? "starttls";
  const smtpFaults: SmtpFaults = options.smtpFaults ?? {};
  const fixture = await startSmtpFixture({ mode, faults: smtpFaults });
  const { deliver: realDeliver } = await import("../../sim/smtp-delivery");
  const clock = new VirtualClock();
  const trace: string[] = [];
  const logs: string[] = [];
  const log: Log = (level, message) => logs.push(`${Math.round(clock.now())} ${level}: ${message}`);
  const { track, drive } = virtualDrive(clock);
  const deliveries: Delivery[] = [];
  const rungs: (RecoveryRung | "none")[] = [];
  const outboxStorage = new RamStorage({ blocks: 8, blockSize: 1024, mode: "flash" });
  const historyStorage = new RamStorage({ blocks: 4, blockSize: 1024, mode: "flash" });
  const state = new RamStateStore();
  const level = new Level();
  let caPem = options.caPem ?? testCerts.caPem;
  const channelStats = { overflowLines: 0, unknownUrcs: 0, strayResults: 0 };

  const recordingDeliver: DeliverFn = async (request, o) => {
    const result = await realDeliver(request, o);
    if (result.err === 0) deliveries.push({ atMs: clock.now(), subject: subjectOf(request), body: Buffer.from(request.body.bytes).toString("latin1") });
    return result;
  };
  // Filled below: the scenario's wrapper may need the device.
  let engine: DeliverFn = recordingDeliver;
  const sim = createSimulator({
    scheduler: clock,
    timeFactor: 1,
    faults: options.simFaults,
    deliver: track(() => engine),
    ...(options.networkTime ? { networkTime: options.networkTime } : {}),
  });
  /** The device's wall clock: its start plus virtual time, moved when the app sets it. */
  let wallOffsetS = options.wallStartS ?? WALL_START_S;
  const wallNow = () => wallOffsetS + clock.now() / 1000;
  const pins = simulatorPins(sim, clock);


  let channel: AtChannel | undefined;
  let outbox: Outbox | undefined;

  /** One boot of the ESP32 and one wake of the app. PowerLoss (a cut outbox write) ends it like a real cut. */
  async function wake(): Promise<WakeResult | "power-lost"> {
    channel?.close();
    channel = new AtChannel({ open: sim.openDriverPort, clock, log, trace: (d, text) => trace.push(`${Math.round(clock.now())} ${d} ${text}`) });
    const ch = channel;
    const power = new ModemPower({ channel: ch, clock, lines: pins.lines, log });
    const recovery = new ModemRecovery({ channel: ch, power, clock, log, hasResetLine: true });
    const ca = new TextEncoder().encode(caPem);
    const settings: MailerSettings = {
      pdp: { contextId: 1, apn: "internet" },
      server: { host: "127.0.0.1", port: fixture.port, ssltype: mode === "plain" ? 0 : mode === "tls" ? 1 : 2 },
      account: { user: fixture.user, password: fixture.password },
      sender: { name: "Tank 3", email: "tank3@example.test" },
      tls: { verify: true, caCert: { length: ca.length, open: () => new BytesSource(ca) } },
      putTimeoutS: 120,
    };
    const mailer = new Mailer({ channel: ch, clock, log, settings });
    const { modem, mailer: sender } = linkModem({ channel: ch, power, recovery, mailer, log, onRecovered: (rung) => rungs.push(rung) });
    try {
      outbox = new Outbox({ storage: outboxStorage, random: () => 0.5 });
      const box = outbox;
      return await drive(
        runWake({
          config: CONFIG, sources: [level], outbox: box, historyStorage, state, mailer: sender, modem,
          now: wallNow, log,
          ...(options.settableClock ? { setClock: (t: number) => (wallOffsetS = t - clock.now() / 1000) } : {}),
        }),
      );
    } catch (e) {
      if (!(e instanceof PowerLoss)) throw e;
      log("error", "power lost during a storage write: the device and the modem go dark");
      sim.powerOff();
      outboxStorage.reboot();
      return "power-lost";
    } finally {
      channelStats.overflowLines += ch.stats.overflowLines;
      channelStats.unknownUrcs += ch.stats.unknownUrcs;
      channelStats.strayResults += ch.stats.strayResults;
    }
  }

  const device = {
    fixture, sim, clock, trace, logs, deliveries, rungs, level, outboxStorage, channelStats, smtpFaults,
    get outbox() {
      return outbox;
    },
    set caPem(pem: string) {
      caPem = pem;
    },
    wake,
    /** The device's wall clock now (seconds). */
    wallNow,
    /** The ESP32 sleeps `s` seconds (the modem is off; its timers run). */
    async sleep(s: number) {
      await clock.advance(s * 1000);
    },
    /** A fresh view of the outbox as the next boot would recover it. */
    recoveredOutbox() {
      return new Outbox({ storage: outboxStorage, random: () => 0.5 });
    },
    async close(file: string) {
      channel?.close();
      sim.powerOff();
      await fixture.close();
      mkdirSync(OUTPUT_DIR, { recursive: true });
      writeFileSync(new URL(`${file}.log`, OUTPUT_DIR), [...logs, "", ...trace, ""].join("\n"));
    },
  };
  engine = options.deliver ? options.deliver(recordingDeliver, device as Device) : recordingDeliver;
  return device;
}
export type Device = Awaited<ReturnType<typeof startDevice>>;

/** The modem gave no answer at all (as opposed to an error it reported). */

function subjectOf(request: DeliveryRequest): string {
  const s = request.subject;
  return s.charset === 0 ? s.text : Buffer.from(s.text, "hex").toString("utf8");
}

export type { DeliveryResult };
