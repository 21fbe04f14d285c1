// The hand-off between the ESP32 host and the application: main.ts calls `runWake` once per wake with
// the channel and power control; this module builds the app's world around them (outbox and readings
// history in the "storage" flash partition, app state in NVS, the mailer, a simulated source until a
// real sensor is wired in (README "A real sensor": SensorSource over an ECMA-419 driver) and runs
// src/app's wake. It leaves how long to sleep in `context.sleepMs`.

import Flash from "flash";
import Resource from "Resource";
import Preference from "preference";
import Time from "time";
import rawConfig from "mc/config";
import { Mailer } from "mailer/mailer";
import { Outbox } from "outbox/outbox";
import { StorageRegion } from "app/region";
import { SimulatedSource, seededRandom } from "app/readings";
import { runWake as runAppWake } from "app/wake";
import { linkModem } from "app/modem-link";
import { ModemRecovery } from "ec20/recovery";
import type { AppConfig } from "app/config";
import type { StateStore } from "app/state";
import { FlashStorage } from "esp32/flash-storage";
import { BytesSource } from "ec20/commands/checksum";
import type { TlsSettings } from "mailer/types";
import type { AtChannel } from "../../src/at/channel";
import type { ModemPower } from "../../src/ec20/power";
import type { Clock, Log } from "../../src/host/types";
import type { DeviceConfig } from "./config";

export interface WakeContext {
  config: DeviceConfig;
  /** The SMTP password from mc/config or NVS; "" when none is set. Never log it. */
  smtpPassword: string;
  /** Why this boot happened (deepsleep.wakeCause()): "timer" on a scheduled wake. */
  wakeCause: string;
  /** The AT channel on the modem's UART (commands flow once the modem is powered). */
  channel: AtChannel;
  power: ModemPower;
  clock: Clock;
  log: Log;
  /** Set by runWake: milliseconds until the app wants the next wake (next sample, report or retry). */
  sleepMs?: number;
}

/** Runs one wake cycle of the application: sample, queue, send. Resolves when the modem is off again. */
export type RunWake = (context: WakeContext) => Promise<void>;

/** The flash data partition holding outbox and history (the partition table's "storage", 64 KB by default). */
const PARTITION = "storage";
/** NVS domain and key of the app state (at most 15 characters each; the value at most 4000 bytes). */
const NVS_DOMAIN = "ec20mail";
const NVS_STATE = "appState";
/** Pending records the outbox's RAM index holds: 18 bytes each; the ESP32's heap is small. */
const OUTBOX_MAX_RECORDS = 64;

/** The app state as one NVS blob: a Preference.set is atomic, which the app's journal relies on. */
class PreferenceStateStore implements StateStore {
  load(): Uint8Array | undefined {
    const value = Preference.get(NVS_DOMAIN, NVS_STATE);
    return value instanceof ArrayBuffer ? new Uint8Array(value) : undefined;
  }
  save(bytes: Uint8Array): void {
    Preference.set(NVS_DOMAIN, NVS_STATE, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
  }
}

/**
 * TLS as configured: verification on by default, against the CA certificate built into the firmware as
 * a resource (manifest "resources"; `caCert` names it). `tlsVerify=0` turns it off explicitly, and the
 * mailer logs that as a warning at every session.
 */
function tlsSettings(config: DeviceConfig, log: Log): TlsSettings {
  if (!config.tls.verify) return { verify: false };
  if (!Resource.exists(config.tls.caResource)) {
    // The mailer refuses verify without a CA (SettingsError) before any AT traffic: say which file.
    log("error", `CA certificate resource "${config.tls.caResource}" is not in the firmware (manifest resources)`);
    return { verify: true };
  }
  const ca = new Uint8Array(new Resource(config.tls.caResource));
  return { verify: true, caCert: { length: ca.length, open: () => new BytesSource(ca) } };
}

/** A number from mc/config (manifest values keep their type; command-line values are strings). */
function configNumber(key: string, fallback: number): number {
  const value = rawConfig[key];
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  return Number.isFinite(n) ? n : fallback;
}

function configText(key: string, fallback: string): string {
  const value = rawConfig[key];
  return typeof value === "string" && value !== "" ? value : fallback;
}

/**
 * Keys the app reads from mc/config beyond DeviceConfig (defaults in brackets): deviceName [senderName],
 * samplePeriod [reportPeriod], alarmAbove [30], alarmHysteresis [1], historyBlocks [a quarter of the
 * partition]. The source is simulated (demoBase [20] +- 5 daily) until a SensorSource replaces it.
 */
export const runWake: RunWake = async (context) => {
  const { config, log } = context;
  const flash = new Flash(PARTITION);
  const whole = new FlashStorage(flash);
  const blocks = whole.size / whole.blockSize;
  const historyBlocks = Math.max(2, Math.min(blocks - 3, configNumber("historyBlocks", Math.floor(blocks / 4))));
  const outboxBlocks = blocks - historyBlocks;
  const outbox = new Outbox({
    storage: new StorageRegion(whole, 0, outboxBlocks * whole.blockSize),
    random: Math.random,
    maxRecords: OUTBOX_MAX_RECORDS,
  });
  const historyStorage = new StorageRegion(whole, outboxBlocks * whole.blockSize, historyBlocks * whole.blockSize);

  // The RTC keeps counting through deep sleep; after a power loss it restarts at 1970 until a wake
  // that used the modem sets it from the network's time (setClock below).
  const now = () => Date.now() / 1000;
  const appConfig: AppConfig = {
    deviceName: configText("deviceName", config.sender.name),
    recipients: config.recipients,
    reportPeriodS: config.reportPeriodS,
    samplePeriodS: configNumber("samplePeriod", config.reportPeriodS),
    rules: [{
      id: "temp-high", source: "temp", direction: "above",
      threshold: configNumber("alarmAbove", 30), hysteresis: configNumber("alarmHysteresis", 1),
    }],
  };
  const sources = [new SimulatedSource({
    id: "temp", unit: "C", base: configNumber("demoBase", 20), amplitude: 5, noise: 0.3, random: seededRandom(Math.floor(now())),
  })];

  const mailer = new Mailer({
    channel: context.channel,
    clock: context.clock,
    log,
    settings: {
      pdp: { contextId: 1, apn: config.apn.name, username: config.apn.user, password: config.apn.password, authentication: config.apn.auth },
      server: { host: config.smtp.server, port: config.smtp.port, ssltype: config.smtp.sslType },
      account: { user: config.smtp.user, password: context.smtpPassword },
      sender: { name: config.sender.name, email: config.sender.email },
      tls: tlsSettings(config, log),
    },
  });
  const power = context.power;
  // Power-on through the recovery ladder; a modem that stops answering mid-send is brought back.
  const recovery = new ModemRecovery({
    channel: context.channel, power, clock: context.clock, log,
    startup: config.fastBaud ? { baud: config.fastBaud } : {},
    hasResetLine: config.pins.reset >= 0,
  });
  const link = linkModem({ channel: context.channel, power, recovery, mailer, log });
  const result = await runAppWake({
    config: appConfig,
    sources,
    outbox,
    historyStorage,
    state: new PreferenceStateStore(),
    mailer: link.mailer,
    modem: link.modem,
    now,
    setClock: (seconds) => Time.set(Math.round(seconds)),
    log,
  });
  log("info", `wake done: ${result.sampled} sampled, ${result.alarmsQueued} alarm(s) queued, ${result.sent} sent, ${result.failed} failed; sleep ${result.sleepS} s`);
  context.sleepMs = result.sleepS * 1000;
};
