// The command-line tool's exit codes (documented in --help and docs/cli.md) and the one place that
// decides which code a failure gets: a usage mistake, a bad configuration, an unreachable modem,
// the network, or the SMTP server (for good or for now).

import { ModemError } from "../../../src/ec20/errors";
import { ValidationError } from "../../../src/mail/errors";
import { SettingsError } from "../../../src/mailer/configure";
import { ArgumentError } from "../../../src/ec20/commands/declare";

export const EXIT = Object.freeze({
  OK: 0,
  /** Bad flags, or an email that breaks a limit of the manual (nothing was sent). */
  USAGE: 1,
  /** The configuration cannot work: config file, missing password, bad server/TLS settings. */
  CONFIG: 2,
  /** The serial device cannot be opened, or the modem does not answer AT. */
  MODEM: 3,
  /** SIM, network registration, PDP context, DNS or the TCP connection to the server. */
  NETWORK: 4,
  /** The SMTP server or TLS refused for good (authentication, certificate, recipient): fix the settings. */
  SMTP_PERMANENT: 5,
  /** The email did not go out but trying again later may work (server busy, timeout, 4xx). */
  SMTP_TRANSIENT: 6,
  /** A bug in this tool (an unexpected exception). */
  INTERNAL: 7,
  /** Interrupted (Ctrl-C). */
  INTERRUPTED: 130,
});

export const EXIT_CODES_HELP = `Exit codes:
  0  success (doctor: every check passed or warned)
  1  usage error or invalid email (the field and the limit are named; nothing was sent)
  2  configuration error (config file, missing password, server/TLS/APN settings)
  3  serial device not reachable or the modem does not answer AT
  4  network: SIM, registration, PDP context, DNS or TCP connection to the server
  5  SMTP permanent failure (authentication, TLS certificate, recipient refused): fix and retry
  6  SMTP transient failure (server busy, timeout, 4xx reply): retrying later may work
  7  internal error (a bug: please report it with --trace output)
  130 interrupted`;

/** A failure the CLI reports and exits with: a message, a hint, and the exit code. */
export class CliError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;
  constructor(exitCode: number, message: string, hint?: string) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** SMTP <err> codes that are about the network path rather than the SMTP dialogue. */
const NETWORK_SMTP_CODES: readonly number[] = [653, 654, 657];

/** The exit code for a modem failure, by family, code and retry class. */
export function exitCodeOfModemError(error: ModemError): number {
  if (error.kind === "closed" || (error.kind === "timeout" && error.family === "cme" && error.command !== "network")) return EXIT.MODEM;
  if (error.family === "cme" || error.family === "tcpip") return EXIT.NETWORK;
  if (error.family === "smtp" && NETWORK_SMTP_CODES.indexOf(error.code) >= 0) return EXIT.NETWORK;
  return error.retry === "permanent" ? EXIT.SMTP_PERMANENT : EXIT.SMTP_TRANSIENT;
}

/** The exit code for anything thrown out of a command. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof ValidationError) return EXIT.USAGE;
  if (error instanceof SettingsError || error instanceof ArgumentError) return EXIT.CONFIG;
  if (error instanceof ModemError) return exitCodeOfModemError(error);
  return EXIT.INTERNAL;
}
