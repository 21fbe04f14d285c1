// `ec20-mail send`: one email through the modem. Validates the email and the settings before the
// port is opened (exit 1 / 2), streams the body file and attachments from disk in chunks, shows
// progress, and exits with the code of the failure class (exit-codes.ts).

import path from "node:path";
import type { Email, AttachmentSource, BodySource } from "../../../src/mail/email";
import { validateEmail } from "../../../src/mail/validate";
import { Mailer } from "../../../src/mailer/mailer";
import type { SendResult } from "../../../src/mailer/types";
import { lookupError } from "../../../src/ec20/errors";
import { nodeClock } from "../clock";
import { CliError, EXIT, exitCodeOfModemError } from "./exit-codes";
import { FileSource, isAsciiFile } from "./file-source";
import { SecretMask } from "./mask";
import { connectModem } from "./modem";
import { CONNECTION_OPTIONS, list, parseCommandLine, str, type Values } from "./options";
import { progressPrinter } from "./progress";
import { connectionFrom, mailerSettingsFrom } from "./settings";
import type { CliIo } from "./io";

export const SEND_OPTIONS = {
  ...CONNECTION_OPTIONS,
  to: { type: "string", multiple: true },
  cc: { type: "string", multiple: true },
  bcc: { type: "string", multiple: true },
  subject: { type: "string" },
  body: { type: "string" },
  "body-file": { type: "string" },
  attach: { type: "string", multiple: true },
} as const;

export const SEND_HELP = `usage: ec20-mail send --device PATH --server HOST [--port N] [--ssltype 0|1|2] [--ca FILE]
                      --user NAME --from ADDRESS [--from-name NAME] [--apn APN]
                      --to ADDRESS... [--cc ADDRESS...] [--bcc ADDRESS...] --subject TEXT
                      (--body TEXT | --body-file FILE) [--attach FILE...] [--config FILE] [--trace]

Sends one email through the EC20's SMTP client. The SMTP password comes from EC20_SMTP_PASSWORD or
--password-file FILE (never from the command line); the APN password from EC20_APN_PASSWORD or
--apn-password-file FILE. Attachments are streamed from disk (at most 10, 256 KiB in total; names
are the file's base name: letters, digits, '.', '_', '-').`;

export async function sendCommand(argv: string[], io: CliIo): Promise<number> {
  const values = parseCommandLine(argv, SEND_OPTIONS);
  if (values.help) {
    io.out(SEND_HELP + "\n");
    return EXIT.OK;
  }
  const mask = new SecretMask();
  const opened: FileSource[] = [];
  try {
    const { email, names } = emailFrom(values, opened);
    const prepared = validateEmail(email); // exit 1 with the field, before any AT traffic
    const settings = mailerSettingsFrom(values, mask); // exit 2
    const connection = connectionFrom(values);
    io.out(`sending via ${connection.device} to ${settings.server.host}:${settings.server.port} (ssltype ${settings.server.ssltype})\n`);
    const link = await connectModem({ connection, mask, log: io.log(mask), ...(values.trace ? { trace: (t) => io.err(t + "\n") } : {}) });
    try {
      const mailer = new Mailer({
        channel: link.channel, clock: nodeClock, log: io.log(mask), settings,
        onProgress: progressPrinter({ write: io.out }, io.stdoutIsTty, names),
      });
      const result = await mailer.sendPrepared(prepared);
      return report(result, io, mask);
    } finally {
      link.close();
    }
  } finally {
    for (const file of opened) file.close();
  }
}

/** The Email from the flags; files are opened (and listed in `opened`) but not read. */
function emailFrom(values: Values, opened: FileSource[]): { email: Email; names: string[] } {
  const subject = str(values, "subject");
  if (subject === undefined) throw new CliError(EXIT.USAGE, "--subject is required (it may be empty: --subject \"\")");
  const bodyText = str(values, "body");
  const bodyFile = str(values, "body-file");
  if ((bodyText === undefined) === (bodyFile === undefined)) throw new CliError(EXIT.USAGE, "give exactly one of --body TEXT or --body-file FILE");
  let body: BodySource;
  if (bodyFile !== undefined) {
    const source = openFile(bodyFile, "--body-file", opened);
    body = { length: source.length, source, charset: isAsciiFile(source) ? 0 : 1 };
  } else {
    body = bodyText!;
  }
  const attachments: AttachmentSource[] = [];
  const names: string[] = [];
  for (const file of list(values, "attach")) {
    const source = openFile(file, "--attach", opened);
    const name = path.basename(file);
    attachments.push({ name, length: source.length, source });
    names.push(name);
  }
  const email: Email = { to: list(values, "to"), cc: list(values, "cc"), bcc: list(values, "bcc"), subject, body, attachments };
  return { email, names };
}

function openFile(file: string, flag: string, opened: FileSource[]): FileSource {
  try {
    const source = new FileSource(file);
    opened.push(source);
    return source;
  } catch (error) {
    throw new CliError(EXIT.USAGE, `${flag} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Prints the outcome; returns the exit code. */
export function report(result: SendResult, io: CliIo, mask: SecretMask): number {
  const timing = result.phases.map((p) => `${p.phase} ${(p.ms / 1000).toFixed(1)} s`).join(", ");
  if (result.delivered) {
    io.out(`delivered (${result.attempts} attempt${result.attempts === 1 ? "" : "s"}; ${timing})\n`);
    return EXIT.OK;
  }
  const error = result.error;
  io.err(`not delivered: ${mask.apply(error ? error.message : "unknown failure")}\n`);
  if (result.protocolError) {
    const reply = lookupError("smtp-protocol", result.protocolError);
    io.err(`  server replied ${result.protocolError}${reply ? `: ${reply.meaning}` : ""}\n`);
  }
  if (error) io.err(`  hint: ${error.reason}\n`);
  io.err(`  (${result.attempts} attempt${result.attempts === 1 ? "" : "s"}; ${timing})\n`);
  return error ? exitCodeOfModemError(error) : EXIT.SMTP_TRANSIENT;
}
