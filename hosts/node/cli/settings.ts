// Turns the merged flags into what the core needs: the serial device, and MailerSettings (server,
// account, sender, APN, TLS with the CA certificate streamed from its file). Every problem is a
// config error (exit 2) found before the serial port is opened.

import type { ByteSource } from "../../../src/at/types";
import { validateSettings } from "../../../src/mailer/configure";
import type { MailerSettings } from "../../../src/mailer/types";
import type { PdpSettings } from "../../../src/ec20/commands/pdp";
import { CliError, EXIT } from "./exit-codes";
import { FileSource } from "./file-source";
import type { SecretMask } from "./mask";
import { int, readSecret, seconds, str, type Values } from "./options";

export interface Connection {
  device: string;
  baud: number;
  /** How long to wait for the modem to answer AT (it may still be booting). */
  readyTimeoutMs: number;
  /** Set AT+QURCCFG="urcport" to this (only when given: a USB AT port must stay "usbat"). */
  urcPort: string | undefined;
}

export function connectionFrom(values: Values): Connection {
  const device = str(values, "device") ?? process.env.EC20_DEVICE;
  if (!device) throw new CliError(EXIT.USAGE, "--device is required (or EC20_DEVICE, or \"device\" in --config)", "a USB EC20's AT port is usually /dev/ttyUSB2; `ec20-mail sim` prints a simulator's");
  const urcPort = str(values, "urc-port");
  if (urcPort !== undefined && ["usbat", "usbmodem", "uart1", "uart2", "all"].indexOf(urcPort) < 0) {
    throw new CliError(EXIT.USAGE, `--urc-port: one of usbat, usbmodem, uart1, uart2, all (got "${urcPort}")`);
  }
  return {
    device,
    baud: int(values, "baud", 300, 4_000_000, 115200),
    readyTimeoutMs: seconds(values, "ready-timeout", 20) * 1000,
    urcPort,
  };
}

const SSL_TYPES: Record<string, 0 | 1 | 2> = { "0": 0, "1": 1, "2": 2, none: 0, plain: 0, tls: 1, ssl: 1, implicit: 1, starttls: 2 };

/** MailerSettings from the flags; registers the passwords with `mask` before anything can print them. */
export function mailerSettingsFrom(values: Values, mask: SecretMask): MailerSettings {
  const required = (key: string, what: string): string => {
    const v = str(values, key);
    if (v === undefined || v === "") throw new CliError(EXIT.CONFIG, `--${key} is required: ${what}`);
    return v;
  };
  const host = required("server", "the SMTP server's name or address");
  const sslText = str(values, "ssltype") ?? "1";
  const ssltype = SSL_TYPES[sslText.toLowerCase()];
  if (ssltype === undefined) throw new CliError(EXIT.CONFIG, `--ssltype: 0 (plain), 1 (implicit TLS) or 2 (STARTTLS), got "${sslText}"`);
  const port = int(values, "port", 1, 65535, ssltype === 1 ? 465 : 587);
  const user = str(values, "user") ?? "";
  const password = readSecret(values, "EC20_SMTP_PASSWORD", "password-file");
  mask.add(password);
  if (user !== "" && password === undefined) {
    throw new CliError(EXIT.CONFIG, "no SMTP password: set EC20_SMTP_PASSWORD or give --password-file FILE",
      "passwords are never taken from the command line, where other users and shell history can see them");
  }
  const senderEmail = str(values, "from") ?? (user.indexOf("@") > 0 ? user : undefined);
  if (!senderEmail) throw new CliError(EXIT.CONFIG, "--from is required: the sender's address (or a --user that is an address)");

  const verify = values.insecure !== true;
  let caCert: MailerSettings["tls"]["caCert"];
  const caPath = str(values, "ca");
  if (caPath !== undefined) {
    let probe: FileSource;
    try {
      probe = new FileSource(caPath);
    } catch (error) {
      throw new CliError(EXIT.CONFIG, `cannot read --ca ${caPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const length = probe.length;
    probe.close();
    caCert = { length, open: () => openOnce(caPath) };
  } else if (ssltype !== 0 && verify) {
    throw new CliError(EXIT.CONFIG, "--ca FILE is required with TLS (--ssltype 1 or 2): the CA certificate (PEM) that signed the server's certificate",
      "the EC20 has no built-in trust store; --insecure skips verification (not recommended)");
  }
  const settings: MailerSettings = {
    pdp: pdpSettingsFrom(values, mask),
    server: { host, port, ssltype },
    account: { user, password: password ?? "" },
    sender: { name: str(values, "from-name") ?? "", email: senderEmail },
    tls: {
      verify,
      ...(caCert ? { caCert } : {}),
      sslVersion: int(values, "tls-version", 3, 4, 3) as 3 | 4,
      sni: values["no-sni"] !== true,
    },
    putTimeoutS: int(values, "put-timeout", 60, 65535, 300),
    registrationTimeoutMs: seconds(values, "registration-timeout", 60) * 1000,
    registrationPollMs: 1000,
    // One command-line run: resend at once, then after a reconnect (manual 1.4.4), no long waits.
    resendBackoffMs: [2000, 5000],
  };
  try {
    validateSettings(settings);
  } catch (error) {
    throw new CliError(EXIT.CONFIG, mask.apply((error as Error).message));
  }
  return settings;
}

/** The PDP context from --apn, --apn-user, --apn-auth, --context-id and the APN password (masked). */
export function pdpSettingsFrom(values: Values, mask: SecretMask): PdpSettings {
  const password = readSecret(values, "EC20_APN_PASSWORD", "apn-password-file");
  mask.add(password);
  const user = str(values, "apn-user");
  return {
    contextId: int(values, "context-id", 1, 16, 1),
    apn: str(values, "apn") ?? "",
    ...(user ? { username: user } : {}),
    ...(password ? { password } : {}),
    ...(str(values, "apn-auth") !== undefined ? { authentication: int(values, "apn-auth", 0, 3, 0) as 0 | 1 | 2 | 3 } : {}),
  };
}

/** A fresh file source per open (the CA is read twice: checksum, then upload), closed when drained. */
function openOnce(file: string): ByteSource {
  const source = new FileSource(file);
  return {
    read(into) {
      const n = source.read(into);
      if (n === 0) source.close();
      return n;
    },
  };
}
