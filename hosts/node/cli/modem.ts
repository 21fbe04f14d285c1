// Opens the modem for one CLI command: the serial device through `serialport`, an AtChannel with a
// masked trace, then `AT` probes until the modem answers (it may still be booting: no pins on a USB
// modem, so probing is all we can do), echo off and numeric errors on, as ModemPower.configure does.

import { AtChannel } from "../../../src/at/channel";
import { AtError } from "../../../src/at/types";
import { AT, ATE0, CMEE, QURCCFG_WRITE } from "../../../src/ec20/commands/general";
import { buildCommand } from "../../../src/ec20/commands/declare";
import type { Log, OpenSerial } from "../../../src/host/types";
import { nodeClock } from "../clock";
import { openNodeSerial } from "../serial";
import { CliError, EXIT } from "./exit-codes";
import type { SecretMask } from "./mask";
import type { Connection } from "./settings";

/** One probe's deadline: a module that is up answers `AT` in well under this. */
const PROBE_TIMEOUT_MS = 1000;

export interface ModemLink {
  channel: AtChannel;
  close(): void;
}

export interface ConnectOptions {
  connection: Connection;
  mask: SecretMask;
  log: Log;
  /** Prints each AT line (already masked). */
  trace?: (text: string) => void;
}

export async function openSerialOnly(connection: Connection) {
  try {
    return await openNodeSerial({ path: connection.device, baud: connection.baud });
  } catch (error) {
    throw new CliError(EXIT.MODEM, `cannot open ${connection.device}: ${(error as Error).message}`,
      "check the path (ls /dev/ttyUSB*), that you may use it (the dialout group), and that no other program (ModemManager, a terminal) holds it");
  }
}

/** Opens, probes and configures; a CliError with EXIT.MODEM when the device or the modem is not there. */
export async function connectModem(options: ConnectOptions): Promise<ModemLink> {
  return attachModem(await openSerialOnly(options.connection), options);
}

/** The channel over an opened port, probed and configured (closed again on failure). */
export async function attachModem(serial: { open: OpenSerial }, options: ConnectOptions): Promise<ModemLink> {
  const { connection, mask, log } = options;
  const traceOut = options.trace;
  let closing = false;
  const channel = new AtChannel({
    open: serial.open,
    clock: nodeClock,
    encoder: new TextEncoder(),
    // Closing the port on purpose makes the channel report "closed by caller": not news to the user.
    log: (level, message) => {
      if (!closing) log(level, message);
    },
    ...(traceOut ? { trace: (direction: "tx" | "rx", text: string) => traceOut(`${direction === "tx" ? ">>" : "<<"} ${mask.apply(text)}`) } : {}),
  });
  const link: ModemLink = {
    channel,
    close: () => {
      closing = true;
      channel.close();
    },
  };
  try {
    await probe(channel, connection);
    await channel.run(buildCommand(ATE0));
    await channel.run(buildCommand(CMEE, [1]));
    if (connection.urcPort) await channel.run(buildCommand(QURCCFG_WRITE, [connection.urcPort]));
  } catch (error) {
    link.close();
    if (error instanceof CliError) throw error;
    throw new CliError(EXIT.MODEM, `modem set-up failed: ${mask.apply((error as Error).message)}`);
  }
  return link;
}

/** Sends `AT` until any final answer arrives or the ready timeout passes. */
async function probe(channel: AtChannel, connection: Connection): Promise<void> {
  const deadline = nodeClock.now() + connection.readyTimeoutMs;
  for (;;) {
    const command = buildCommand(AT);
    command.timeoutMs = PROBE_TIMEOUT_MS;
    try {
      await channel.run(command);
      return;
    } catch (error) {
      if (!(error instanceof AtError)) throw error;
      if (error.kind === "closed") throw new CliError(EXIT.MODEM, `${connection.device} closed: ${error.message}`);
      // ERROR is an answer too: the UART is alive.
      if (error.kind !== "timeout" && error.kind !== "busy") return;
    }
    if (nodeClock.now() >= deadline) {
      throw new CliError(EXIT.MODEM, `no answer to AT on ${connection.device} within ${connection.readyTimeoutMs / 1000} s`,
        `is the modem powered and booted (RDY comes ~12 s after power-on)? Is this its AT port (a USB EC20 has it at /dev/ttyUSB2)? Is the rate ${connection.baud} baud right (--baud)?`);
    }
  }
}
