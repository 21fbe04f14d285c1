// The `ec20-mail` command-line tool: dispatches to a subcommand, prints failures with their hint,
// and exits with the documented code (cli/exit-codes.ts). Run through bin/ec20-mail.mjs (tsx).

import { CliError, EXIT, EXIT_CODES_HELP, exitCodeOf } from "./cli/exit-codes";
import { processIo, type CliIo } from "./cli/io";
import { sendCommand } from "./cli/send";
import { simCommand } from "./cli/sim";
import { doctorCommand } from "./cli/doctor";
import { runCommand } from "./cli/run";

const HELP = `usage: ec20-mail <command> [flags]   (ec20-mail <command> --help for its flags)

Commands:
  send     send one email through the EC20 (attachments streamed from files)
  doctor   check the modem step by step: port, AT, SIM, registration, signal, time, PDP, DNS, TLS, login
  run      run the telemetry/alarm app (wake cycles) with the outbox in a file
  sim      start the EC20 simulator on a pseudo-terminal with a local SMTP server

Connection flags (send, doctor, run; any of them may also be set in --config FILE, a JSON object
keyed by flag name, e.g. {"device": "/dev/ttyUSB2", "server": "smtp.example.com", "port": 465}):
  --device PATH          serial device (EC20_DEVICE); a USB EC20's AT port is usually /dev/ttyUSB2
  --baud N               115200
  --server HOST --port N --ssltype 0|1|2   plain, implicit TLS (default, port 465), STARTTLS (587)
  --ca FILE              CA certificate (PEM) to verify the server; --insecure skips verification
  --tls-version 3|4      3 TLS 1.2 only (default), 4 any; --no-sni turns SNI off
  --user NAME --from ADDRESS --from-name NAME
  --password-file FILE   SMTP password (else EC20_SMTP_PASSWORD); never on the command line
  --apn APN --apn-user NAME --apn-auth 0-3 --apn-password-file FILE (else EC20_APN_PASSWORD)
  --context-id N         PDP context 1-16 (1)
  --urc-port PORT        set AT+QURCCFG (only for a modem on its main UART: uart1)
  --ready-timeout S      wait this long for AT to answer (20)
  --registration-timeout S   wait this long for SIM and registration (60)
  --put-timeout S        AT+QSMTPPUT timeout (300)
  --trace                print the AT exchange on stderr (passwords masked)
  --verbose              print the core's info messages on stderr

Environment: EC20_SMTP_PASSWORD, EC20_APN_PASSWORD, EC20_DEVICE.

${EXIT_CODES_HELP}
`;

const COMMANDS: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  send: sendCommand,
  doctor: doctorCommand,
  run: runCommand,
  sim: simCommand,
};

async function main(argv: string[]): Promise<number> {
  const io = processIo(argv.indexOf("--verbose") >= 0);
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(HELP);
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`ec20-mail: unknown command "${name}"\n\n${HELP}`);
    return EXIT.USAGE;
  }
  // `sim` runs until stopped and cleans up itself; the others stop at once with 130.
  if (name !== "sim") {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => {
        io.err(`\nec20-mail: interrupted\n`);
        process.exit(EXIT.INTERRUPTED);
      });
    }
  }
  try {
    return await command(rest, io);
  } catch (error) {
    const code = exitCodeOf(error);
    const message = error instanceof Error ? error.message : String(error);
    io.err(`ec20-mail ${name}: ${code === EXIT.INTERNAL && error instanceof Error ? error.stack ?? message : message}\n`);
    if (error instanceof CliError && error.hint) io.err(`  hint: ${error.hint}\n`);
    else if (code === EXIT.USAGE && !(error instanceof CliError)) io.err(`  (nothing was sent)\n`);
    return code;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Let stdout drain through pipes; a port or timer left open must not keep the tool alive.
setTimeout(() => process.exit(code), 2000).unref();
