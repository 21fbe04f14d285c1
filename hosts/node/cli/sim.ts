// `ec20-mail sim`: the EC20 simulator on a pseudo-terminal plus a local SMTP server (the test suite's
// smtp-server fixture) that keeps every message as an .eml file in a mailbox folder. Prints the pty
// path, the SMTP port and a ready-to-paste `send` line, then one line per received message.

import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createSimulator, parseFault, type Fault, realScheduler } from "../../../sim/index";
import { startSmtpFixture, type SmtpFixtureMode } from "../../../sim/local-smtp-server";
import { CliError, EXIT } from "./exit-codes";
import type { CliIo } from "./io";
import { list, parseCommandLine, readSecret, str } from "./options";

export const SIM_OPTIONS = {
  mailbox: { type: "string" },
  "smtp-mode": { type: "string" },
  user: { type: "string" },
  "password-file": { type: "string" },
  "time-factor": { type: "string" },
  fault: { type: "string", multiple: true },
  "no-sim-card": { type: "boolean" },
  "no-nitz": { type: "boolean" },
  rssi: { type: "string" },
  "reject-auth": { type: "boolean" },
  trace: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export const SIM_HELP = `usage: ec20-mail sim [--mailbox DIR] [--smtp-mode tls|starttls|plain] [--user NAME]
                     [--time-factor 0.1] [--fault SPEC]... [--no-sim-card] [--no-nitz] [--rssi 0-31|99]
                     [--reject-auth] [--trace]

Starts the EC20 simulator on a pseudo-terminal and a local SMTP server on 127.0.0.1 that requires
AUTH (account --user, default "sensor"; password from EC20_SMTP_PASSWORD or --password-file, else
the test default "s3cret") and stores each message in --mailbox DIR (default: a new temporary
folder). In tls/starttls mode the server's certificate is signed by sim/test-certs/ca.pem
(TEST ONLY). The simulated network gives this computer's time on registration (AT+CCLK? shows it);
--no-nitz: it gives none, and the modem's clock keeps its 1980 default. Runs until Ctrl-C.

Fault specs (repeatable), as in sim/faults.ts:
  error:QIACT#1          bare ERROR on the 1st AT+QIACT      error:QSMTPPUT#1=652   +CME ERROR: 652
  silent:CSQ#1           never answer the 1st AT+CSQ         reboot:QSMTPBODY#1     reboot instead
  pdpdeact:QSMTPPUT#1=500  context dropped 500 ms after OK   pdpdeact@20000 / reboot@30000 (modelled ms)
  garbage@5000=text   noise:QSMTPDST#1=+CREG: 0,1   lose:toHost@120x3   corrupt:toModem@10x2`;

const MODES: readonly SmtpFixtureMode[] = ["tls", "starttls", "plain"];

export async function simCommand(argv: string[], io: CliIo): Promise<number> {
  const values = parseCommandLine(argv, SIM_OPTIONS);
  if (values.help) {
    io.out(SIM_HELP + "\n");
    return EXIT.OK;
  }
  const mode = (str(values, "smtp-mode") ?? "tls") as SmtpFixtureMode;
  if (MODES.indexOf(mode) < 0) throw new CliError(EXIT.USAGE, `--smtp-mode: tls, starttls or plain (got "${mode}")`);
  const timeFactor = Number(str(values, "time-factor") ?? "0.1");
  if (!(timeFactor > 0)) throw new CliError(EXIT.USAGE, "--time-factor must be a number > 0");
  let faults: Fault[];
  try {
    faults = list(values, "fault").map(parseFault);
  } catch (error) {
    throw new CliError(EXIT.USAGE, `--fault: ${(error as Error).message}`, "see `ec20-mail sim --help` for the syntax");
  }
  const rssiText = str(values, "rssi");
  const rssi = rssiText === undefined ? 30 : Number(rssiText);
  if (!Number.isInteger(rssi) || !((rssi >= 0 && rssi <= 31) || rssi === 99)) throw new CliError(EXIT.USAGE, "--rssi: 0-31 or 99");
  const user = str(values, "user") ?? "sensor";
  const password = readSecret(values, "EC20_SMTP_PASSWORD", "password-file");
  const mailbox = path.resolve(str(values, "mailbox") ?? mkdtempSync(path.join(os.tmpdir(), "ec20-mailbox-")));

  const fixture = await startSmtpFixture({
    mode, user, password: password ?? "s3cret", mailbox,
    ...(values["reject-auth"] ? { faults: { rejectAuth: true } } : {}),
  });
  const sim = createSimulator({
    scheduler: realScheduler,
    timeFactor,
    faults,
    // The simulator is a modem on its main UART: unsolicited codes such as pdpdeact must reach us.
    urcport: "uart1",
    simPresent: values["no-sim-card"] !== true,
    signal: [rssi, 99],
    // The network gives this computer's time on registration (NITZ), unless --no-nitz.
    ...(values["no-nitz"] ? {} : { networkTime: { utcMsAtZero: Date.now() - realScheduler.now() } }),
    ...(values.trace ? { onTrace: (e) => io.err(`${e.direction === "tx" ? "sim>>" : "sim<<"} ${e.text}\n`) } : {}),
  });
  const pty = await sim.attachPty();
  sim.powerOn();
  const ca = fileURLToPath(new URL("../../../sim/test-certs/ca.pem", import.meta.url));
  const ssltype = mode === "plain" ? 0 : mode === "tls" ? 1 : 2;
  io.out(`EC20 simulator on ${pty.path} (time factor ${timeFactor}; RDY in ${sim.timing.scale(sim.timing.table.rdy)} ms)\n`);
  io.out(`SMTP server on 127.0.0.1:${fixture.port} (${mode}), account "${user}", password ${password === undefined ? "s3cret (test default)" : "from EC20_SMTP_PASSWORD / --password-file"}\n`);
  if (ssltype !== 0) io.out(`CA certificate ${ca} (TEST ONLY)\n`);
  io.out(`mailbox ${mailbox}\n`);
  io.out(`try: EC20_SMTP_PASSWORD=${password === undefined ? "s3cret" : "..."} ec20-mail send --device ${pty.path} --server 127.0.0.1 --port ${fixture.port} --ssltype ${ssltype}${ssltype ? ` --ca ${ca}` : ""} --user ${user} --from ${user}@example.test --to you@example.test --subject hello --body "hello from the simulator"\n`);

  let stopped = false;
  void (async () => {
    for (let n = 1; !stopped; n++) {
      const message = await fixture.waitForMessage(n);
      if (stopped) break;
      const names = message.parsed.attachments.map((a) => a.filename ?? "?");
      io.out(`received #${n}: from ${message.envelope.mailFrom} to ${message.envelope.rcptTo.join(", ")} subject "${message.parsed.subject ?? ""}"` +
        `${names.length ? ` attachments ${names.join(", ")}` : ""} -> ${message.file}\n`);
    }
  })();

  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  stopped = true;
  await pty.close();
  sim.powerOff();
  await fixture.close();
  io.out("simulator stopped\n");
  return EXIT.OK;
}
