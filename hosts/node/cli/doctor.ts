// `ec20-mail doctor`: checks the path of an email step by step and prints a verdict (PASS, WARN,
// FAIL, SKIP) with the evidence and a hint for each: the serial port, AT, SIM, registration, signal,
// the network time (AT+CCLK?), the PDP context, then DNS, TLS and login through a real test email to
// the sender's own address (the EC20's SMTP client has no "connect only" command, so sending is the
// only end-to-end check).
// Exits 0 when nothing failed, else with the exit code of the first failed step.

import type { AtChannel } from "../../../src/at/channel";
import { Mailer } from "../../../src/mailer/mailer";
import type { MailerSettings, SendResult } from "../../../src/mailer/types";
import { nodeClock } from "../clock";
import {
  checkNetworkTime, checkPdp, checkRegistration, checkSignal, checkSim, isIpAddress, meaningOf, readDns, type StepResult, type Verdict,
} from "./doctor-steps";
import { CliError, EXIT, exitCodeOfModemError } from "./exit-codes";
import type { CliIo } from "./io";
import { SecretMask } from "./mask";
import { attachModem, openSerialOnly } from "./modem";
import { CONNECTION_OPTIONS, parseCommandLine, seconds, str, type Values } from "./options";
import { connectionFrom, mailerSettingsFrom, pdpSettingsFrom } from "./settings";

export const DOCTOR_OPTIONS = {
  ...CONNECTION_OPTIONS,
  "no-send": { type: "boolean" },
} as const;

export const DOCTOR_HELP = `usage: ec20-mail doctor --device PATH [--apn APN] [connection flags of send] [--no-send]

Checks, in order, and prints PASS / WARN / FAIL / SKIP with the evidence and a hint:
  serial port    the device opens
  AT             the modem answers AT (echo off, numeric errors on)
  SIM            AT+CPIN? is READY (CME codes explained: 10 no SIM, 11 PIN, ...)
  registration   AT+CEREG? / AT+CGREG? registered (home or roaming), polled up to --registration-timeout
  signal         AT+CSQ as dBm (-113 + 2 x rssi); below -93 dBm warns
  PDP context    reuses an active context or sets the APN (AT+QICSGP) and activates it (AT+QIACT); the IP
  DNS servers    AT+QIDNSCFG=<cid> (not every firmware answers it)
  test email     (needs --server ...; skipped with --no-send) one email to the sender's own address, which
                 checks in turn: DNS (the modem resolves --server; err 653 if not), the TCP connection
                 (654/656/658), TLS (665: handshake or certificate), login (677 = SMTP 535, 676 = 530,
                 655) and acceptance of the message
Exit status: 0 when no step failed (warnings allowed), else the exit code of the first failed step.`;

const LABEL_WIDTH = 14;

export async function doctorCommand(argv: string[], io: CliIo): Promise<number> {
  const values = parseCommandLine(argv, DOCTOR_OPTIONS);
  if (values.help) {
    io.out(DOCTOR_HELP + "\n");
    return EXIT.OK;
  }
  const mask = new SecretMask();
  const connection = connectionFrom(values);
  const settings = smtpSettings(values, mask);
  const pdp = settings?.pdp ?? pdpSettingsFrom(values, mask);
  const waitMs = seconds(values, "registration-timeout", 60) * 1000;
  let firstFailure: number | undefined;
  const show = (label: string, step: StepResult): Verdict => {
    io.out(`[${step.verdict}] ${label.padEnd(LABEL_WIDTH)} ${mask.apply(step.detail)}\n`);
    if (step.meaning) io.out(`       ${"".padEnd(LABEL_WIDTH)} meaning: ${mask.apply(step.meaning)}\n`);
    if (step.hint) io.out(`       ${"".padEnd(LABEL_WIDTH)} hint: ${mask.apply(step.hint)}\n`);
    if (step.verdict === "FAIL" && firstFailure === undefined) firstFailure = step.exit ?? EXIT.INTERNAL;
    return step.verdict;
  };
  const finish = (): number => {
    const code = firstFailure ?? EXIT.OK;
    io.out(code === EXIT.OK ? "verdict: every check passed (warnings, if any, above)\n" : `verdict: FAILED (exit ${code})\n`);
    return code;
  };

  io.out(`ec20-mail doctor: ${connection.device} at ${connection.baud} baud\n`);
  let serial;
  try {
    serial = await openSerialOnly(connection);
  } catch (error) {
    const e = error as CliError;
    show("serial port", { verdict: "FAIL", detail: e.message, ...(e.hint ? { hint: e.hint } : {}), exit: EXIT.MODEM });
    return finish();
  }
  show("serial port", { verdict: "PASS", detail: `${connection.device} opened` });
  let link;
  try {
    link = await attachModem(serial, { connection, mask, log: io.log(mask), ...(values.trace ? { trace: (t) => io.err(t + "\n") } : {}) });
  } catch (error) {
    const e = error as CliError;
    show("AT", { verdict: "FAIL", detail: e.message, ...(e.hint ? { hint: e.hint } : {}), exit: EXIT.MODEM });
    return finish();
  }
  try {
    show("AT", { verdict: "PASS", detail: "the modem answers AT; echo off (ATE0), numeric errors on (AT+CMEE=1)" });
    const ch = link.channel;
    if (show("SIM", await checkSim(ch, waitMs)) === "FAIL") return finish();
    if (show("registration", await checkRegistration(ch, waitMs)) === "FAIL") return finish();
    show("signal", await checkSignal(ch));
    show("network time", await checkNetworkTime(ch));
    if (show("PDP context", await checkPdp(ch, pdp)) === "FAIL") return finish();
    const dns = await readDns(ch, pdp.contextId);
    show("DNS servers", dns.servers !== undefined
      ? { verdict: dns.servers.startsWith("0.0.0.0") ? "WARN" : "PASS", detail: `AT+QIDNSCFG=${pdp.contextId}: ${dns.servers}` }
      : { verdict: "SKIP", detail: `not answered (${dns.error}); the lookup is checked by the test email instead` });
    if (!settings) {
      show("test email", { verdict: "SKIP", detail: "no --server given", hint: "give the SMTP flags (or --config) to check DNS, TLS and login" });
    } else if (values["no-send"]) {
      show("test email", { verdict: "SKIP", detail: "--no-send: DNS lookup, TLS and login not checked" });
    } else {
      const result = await sendTestEmail(link.channel, settings, connection.device, io, mask);
      for (const [label, step] of judgeSend(result, settings)) show(label, step);
    }
    return finish();
  } finally {
    link.close();
  }
}

/** The SMTP settings when --server is given (a broken configuration still exits 2 at once). */
function smtpSettings(values: Values, mask: SecretMask): MailerSettings | undefined {
  if (str(values, "server") === undefined) return undefined;
  return mailerSettingsFrom(values, mask);
}

async function sendTestEmail(channel: AtChannel, settings: MailerSettings, device: string, io: CliIo, mask: SecretMask): Promise<SendResult> {
  const mailer = new Mailer({ channel, clock: nodeClock, log: io.log(mask), settings: { ...settings, resendBackoffMs: [] } });
  const to = settings.sender.email;
  io.out(`       sending a test email to ${to} via ${settings.server.host}:${settings.server.port} ...\n`);
  return mailer.send({
    to: [to],
    subject: "ec20-mail doctor test",
    body: `Sent by ec20-mail doctor through ${device} at ${new Date().toISOString()}.\r\n` +
      "If this arrived, the modem's DNS lookup, TLS and SMTP login all work.\r\n",
  });
}

/** What the test email's outcome says about each stage of the path, in order. */
export function judgeSend(result: SendResult, s: MailerSettings): [string, StepResult][] {
  const host = s.server.host;
  const error = result.error;
  const code = error && error.family === "smtp" ? error.code : 0;
  const tlsText = s.server.ssltype === 0 ? "" : `${s.server.ssltype === 1 ? "implicit TLS" : "STARTTLS"}, ${s.tls.sslVersion === 4 ? "any TLS version" : "TLS 1.2"}, SNI ${s.tls.sni === false ? "off" : "on"}`;
  // The stage the failure belongs to (undefined: delivered); "before": AT+QSMTPPUT never ran.
  let stage: "before" | "dns" | "tcp" | "tls" | "login" | "delivery" | undefined;
  if (error) {
    if (result.attempts === 0) stage = "before";
    else if (code === 653) stage = "dns";
    else if (code === 654 || code === 656 || code === 658 || code === 657 || code === 666) stage = "tcp";
    else if (code === 665) stage = "tls";
    else if (code === 655 || code === 676 || code === 677 || code === 673) stage = "login";
    else stage = "delivery";
  }
  const order = ["dns", "tcp", "tls", "login", "delivery"];
  const reached = (st: string) => stage === undefined || (stage !== "before" && order.indexOf(st) <= order.indexOf(stage));
  const notReached: StepResult = { verdict: "SKIP", detail: "not reached" };
  const failure = (detail: string, hint: string): StepResult => ({
    verdict: "FAIL", detail, meaning: error ? meaningOf(error) + (result.protocolError ? `; server replied ${result.protocolError}` : "") : undefined,
    hint, exit: error ? exitCodeOfModemError(error) : EXIT.SMTP_TRANSIENT,
  });
  const steps: [string, StepResult][] = [];
  if (stage === "before") {
    steps.push(["test email", failure(`could not compose the email on the modem (${error!.command})`, "see the meaning; --trace shows the exchange")]);
    return steps;
  }
  steps.push(["DNS lookup", stage === "dns"
    ? failure(`the modem could not resolve ${host}`, "check the server name, and the DNS servers above")
    : { verdict: "PASS", detail: isIpAddress(host) ? `${host} is an IP address: no lookup needed` : `the modem resolved ${host}` }]);
  if (!reached("tcp")) return steps;
  steps.push(["connection", stage === "tcp"
    ? failure(`no SMTP session with ${host}:${s.server.port}`, "check the port and that the server accepts connections from the mobile network")
    : { verdict: "PASS", detail: `TCP connection to ${host}:${s.server.port}` }]);
  if (!reached("tls")) return steps;
  if (s.server.ssltype === 0) {
    steps.push(["TLS", { verdict: "WARN", detail: "plain SMTP (ssltype 0): no TLS", hint: "the password and the email cross the network unencrypted: use --ssltype 1 or 2 if the server offers it" }]);
  } else if (stage === "tls") {
    steps.push(["TLS", failure(`TLS with ${host} failed (${tlsText})`, "check --ca (the CA that signed the server's certificate), --tls-version 4 for older servers, and the server name against its certificate")]);
    return steps;
  } else {
    steps.push(["TLS", s.tls.verify
      ? { verdict: "PASS", detail: `${tlsText}; server certificate verified against the CA file (seclevel 1)` }
      : { verdict: "WARN", detail: `${tlsText}; certificate NOT verified (--insecure)`, hint: "anyone on the path can impersonate the server: give --ca" }]);
  }
  if (!reached("login")) return steps;
  steps.push(["login", stage === "login"
    ? failure(`the server refused the login of "${s.account.user}"`, "check --user and the password (EC20_SMTP_PASSWORD / --password-file); some providers need an app password")
    : { verdict: "PASS", detail: s.account.user ? `AUTH accepted for "${s.account.user}"` : "no account configured: the server accepted mail without AUTH" }]);
  if (!reached("delivery")) return steps;
  steps.push(["delivery", stage === "delivery"
    ? failure("the server did not accept the test email", "see the meaning: 4xx may pass later, 5xx needs a change (sender address, policy)")
    : { verdict: "PASS", detail: `test email accepted for ${s.sender.email} (${result.attempts} attempt${result.attempts === 1 ? "" : "s"})` }]);
  return steps;
}
