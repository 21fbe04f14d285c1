// A mailer wired as on a device, but to the EC20 simulator (in-process UART, real timers, a scaled
// timing model) whose SMTP client delivers to a real smtp-server on loopback.

import { AtChannel } from "../../src/at/channel";
import { disableEcho, setNumericErrors, setUrcPort } from "../../src/ec20/commands/general";
import { BytesSource } from "../../src/ec20/commands/checksum";
import type { Log } from "../../src/host/types";
import { Mailer } from "../../src/mailer/mailer";
import type { MailerSettings, Progress } from "../../src/mailer/types";
import { nodeClock } from "../../hosts/node/clock";
import { createSimulator, realScheduler, type Fault, type DeliverFn } from "../../sim/index";
import { startSmtpFixture, testCerts, type SmtpFaults, type SmtpFixtureMode } from "../../sim/local-smtp-server";

export interface RigOptions {
  mode: SmtpFixtureMode;
  simFaults?: Fault[];
  smtpFaults?: SmtpFaults;
  /** Wraps the simulator's real delivery engine (e.g. fail the first attempt). */
  deliver?: (real: DeliverFn) => DeliverFn;
  settings?: (base: MailerSettings) => MailerSettings;
  /** The CA the mailer trusts (default: the CA that signed the server's certificate). */
  caPem?: string;
}

export const TIME_FACTOR = 0.05;

export async function startRig(options: RigOptions) {
  const fixture = await startSmtpFixture({ mode: options.mode, faults: options.smtpFaults });
  const { deliver: realDeliver } = await import("../../sim/smtp-delivery");
  const sim = createSimulator({
    scheduler: realScheduler,
    timeFactor: TIME_FACTOR,
    faults: options.simFaults,
    deliver: options.deliver ? options.deliver(realDeliver) : realDeliver,
  });
  const trace: string[] = [];
  const logs: string[] = [];
  const progress: Progress[] = [];
  const log: Log = (level, message) => logs.push(`${level}: ${message}`);
  const channel = new AtChannel({ open: sim.openDriverPort, clock: nodeClock, log, trace: (d, text) => trace.push(`${d} ${text}`) });
  const ready = new Promise<void>((resolve) => {
    const off = channel.subscribe("RDY", () => {
      off();
      resolve();
    });
  });
  sim.powerOn();
  await ready;
  await disableEcho(channel);
  await setNumericErrors(channel);
  await setUrcPort(channel, "uart1");
  const ca = new TextEncoder().encode(options.caPem ?? testCerts.caPem);
  const base: MailerSettings = {
    pdp: { contextId: 1, apn: "internet" },
    server: { host: "127.0.0.1", port: fixture.port, ssltype: options.mode === "plain" ? 0 : options.mode === "tls" ? 1 : 2 },
    account: { user: fixture.user, password: fixture.password },
    sender: { name: "Sensor 7", email: "sensor7@example.test" },
    tls: { verify: true, caCert: { length: ca.length, open: () => new BytesSource(ca) } },
    putTimeoutS: 300,
    resendBackoffMs: [20, 20],
    registrationPollMs: 50,
  };
  const settings = options.settings ? options.settings(base) : base;
  const mailer = new Mailer({ channel, clock: nodeClock, log, settings, onProgress: (p) => progress.push(p) });
  return {
    fixture,
    sim,
    channel,
    mailer,
    settings,
    trace,
    logs,
    progress,
    async close() {
      channel.close();
      sim.powerOff();
      await fixture.close();
    },
  };
}

/** Deterministic bytes of a given size (not UTF-8 text: attachments are binary). */
export function pattern(length: number, seed = 7): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}
