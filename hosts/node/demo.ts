// `npm start`: the whole product on one machine, no hardware. Starts the EC20 simulator on a
// pseudo-terminal (so the real serial stack is used: serialport -> pty -> simulated UART) and a local
// SMTP server with TLS, then runs the telemetry/alarm app for a simulated afternoon: readings every
// 10 minutes, an alarm raised and cleared, hourly reports with a CSV attachment, and one failed
// PDP activation that the durable outbox retries on the next wake. Prints what the server received.
// Needs no TTY (CI runs it); exits 0 when the expected emails arrived.

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createSimulator, realScheduler } from "../../sim/index";
import { startSmtpFixture, testCerts, type ReceivedMessage } from "../../sim/local-smtp-server";
import { BytesSource } from "../../src/ec20/commands/checksum";
import type { MailerSettings } from "../../src/mailer/types";
import type { AppFile } from "./cli/app-file";
import { runApp } from "./cli/app-runner";
import { SecretMask } from "./cli/mask";

const TIME_FACTOR = 0.05;
const WAKES = 14;
const BODY_LINES = 8;

const app: AppFile = {
  deviceName: "pump-station-3",
  recipients: ["ops@example.test"],
  reportPeriodS: 3600,
  samplePeriodS: 600,
  rules: [
    { id: "tank-high", source: "tank", direction: "above", threshold: 80, hysteresis: 2 },
    { id: "battery-low", source: "battery", direction: "below", threshold: 3.4, hysteresis: 0.05 },
  ],
  sources: [
    { id: "tank", unit: "%", decimals: 1, base: 70, amplitude: 2, noise: 0.5, excursions: [{ afterS: 3000, forS: 1800, offset: 20 }] },
    { id: "battery", unit: "V", decimals: 2, base: 3.9, amplitude: 0.05, noise: 0.01 },
  ],
  seed: 7,
};

const write = (text: string) => process.stdout.write(text);

async function main(): Promise<number> {
  const started = Date.now();
  const scratch = mkdtempSync(path.join(os.tmpdir(), "ec20-demo-"));
  const mailbox = path.join(scratch, "mailbox");
  const fixture = await startSmtpFixture({ mode: "tls", user: "pump3", password: "demo-password", mailbox });
  // The second AT+QIACT fails as a network refusing the context would: the app keeps the email and
  // retries it on the next wake.
  const sim = createSimulator({ scheduler: realScheduler, timeFactor: TIME_FACTOR, urcport: "uart1", faults: [{ kind: "error", command: "QIACT", nth: 2 }] });
  const pty = await sim.attachPty();
  sim.powerOn();
  write(`EC20 simulator on ${pty.path} (time x${TIME_FACTOR}); SMTP server (implicit TLS) on 127.0.0.1:${fixture.port}\n`);
  write(`running the app for ${WAKES} wakes, 10 simulated minutes apart; AT+QIACT fails once on purpose\n\n`);

  const ca = new TextEncoder().encode(testCerts.caPem);
  const settings: MailerSettings = {
    pdp: { contextId: 1, apn: "internet" },
    server: { host: "127.0.0.1", port: fixture.port, ssltype: 1 },
    account: { user: "pump3", password: "demo-password" },
    sender: { name: "Pump station 3", email: "pump3@example.test" },
    tls: { verify: true, caCert: { length: ca.length, open: () => new BytesSource(ca) } },
    putTimeoutS: 60,
    resendBackoffMs: [500, 500],
    registrationPollMs: 200,
  };
  const mask = new SecretMask();
  mask.add(settings.account.password);
  try {
    const totals = await runApp({
      app, dataDir: path.join(scratch, "data"), settings, mask, noSleep: true, wakes: WAKES,
      connection: { device: pty.path, baud: 115200, readyTimeoutMs: 10_000, urcPort: undefined },
      appLog: (level, message) => write(`    ${level === "info" ? "" : level + ": "}${mask.apply(message)}\n`),
      coreLog: () => {},
      onWake: (n, atS, r) => write(`wake ${String(n).padStart(2)} ${new Date(atS * 1000).toISOString().slice(11, 16)}Z  ` +
        `sampled ${r.sampled}, alarms ${r.alarmsQueued}, report ${r.reportQueued ? "queued" : "-"}, ` +
        `${r.modemUsed ? `modem on: sent ${r.sent}, failed ${r.failed}` : "modem off"}\n`),
    });
    write(`\n${totals.wakes} wakes, ${totals.sent} emails delivered, ${totals.failed} failed attempt(s)\n`);
    write(`\nthe SMTP server received ${fixture.messages.length} message(s):\n`);
    for (const message of fixture.messages) printMessage(message);
    const alarms = fixture.messages.filter((m) => / ALARM /.test(m.parsed.subject ?? "")).length;
    const reports = fixture.messages.filter((m) => / report /.test(m.parsed.subject ?? "")).length;
    const ok = alarms >= 1 && reports >= 1 && totals.failed >= 1;
    write(`\n${ok ? "demo OK" : "demo FAILED"}: ${reports} report(s), ${alarms} alarm(s), the failed send retried; ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return ok ? 0 : 1;
  } finally {
    await pty.close();
    sim.powerOff();
    await fixture.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function printMessage(message: ReceivedMessage): void {
  const p = message.parsed;
  const to = Array.isArray(p.to) ? p.to.map((a) => a.text).join(", ") : p.to?.text ?? "";
  write(`\n  From:    ${p.from?.text ?? ""}\n  To:      ${to}\n  Subject: ${p.subject ?? ""}\n  Date:    ${p.date?.toISOString() ?? ""}\n`);
  write(`  TLS:     ${message.session.secure ? message.session.tlsVersion ?? "yes" : "no"}, login ${message.session.user ?? "-"}\n`);
  const lines = (p.text ?? "").split(/\r?\n/);
  for (const line of lines.slice(0, BODY_LINES)) write(`  | ${line}\n`);
  if (lines.length > BODY_LINES) write(`  | ... (${lines.length - BODY_LINES} more lines)\n`);
  for (const a of p.attachments) write(`  attachment: ${a.filename} (${a.size} bytes, ${a.contentType})\n`);
}

const timeout = setTimeout(() => {
  process.stderr.write("demo: did not finish within 90 s\n");
  process.exit(1);
}, 90_000);
timeout.unref();
main().then(
  (code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (error) => {
    process.stderr.write(`demo failed: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
