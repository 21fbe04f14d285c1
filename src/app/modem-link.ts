// How the app reaches the modem on a device: power-on through the recovery ladder, and a mail sender
// that climbs the ladder when the modem stopped answering and restores the start-up settings after a
// restart. The ESP32 host and the fault-matrix rig both use this, so what is tested is what ships.

import type { UrcHandler } from "../at/types";
import { readModemClock } from "../ec20/commands/general";
import type { CommandChannel } from "../ec20/commands/run";
import type { Log } from "../host/types";
import type { Email } from "../mail/email";
import type { ModemPower } from "../ec20/power";
import { RecoveryError, type ModemRecovery, type RecoveryRung } from "../ec20/recovery";
import type { SendResult } from "../mailer/types";
import type { MailSender } from "./send";
import type { ModemControl } from "./wake";

export interface ModemLinkOptions {
  channel: CommandChannel & { subscribe(prefix: string, handler: UrcHandler): () => void };
  power: ModemPower;
  recovery: ModemRecovery;
  mailer: MailSender;
  log: Log;
  /** Told which rung of the ladder brought the modem back (for logs and the fault matrix). */
  onRecovered?(rung: RecoveryRung | "none"): void;
}

/** No final result at all: the modem may be stuck (data mode, firmware hang), not just the network. */
function modemSilent(result: SendResult): boolean {
  const kind = result.error?.kind;
  return kind === "timeout" || kind === "urc-timeout";
}

export function linkModem(options: ModemLinkOptions): { modem: ModemControl; mailer: MailSender } {
  const { power, recovery, log } = options;
  let restarted = false;
  options.channel.subscribe("RDY", () => (restarted = true));
  const modem: ModemControl = {
    powerOn: async () => {
      const result = await recovery.start();
      if (result.rung !== "none") options.onRecovered?.(result.rung);
      restarted = false;
    },
    powerOff: () => power.powerOff(),
    // AT+CCLK?: the modem's clock, which follows the network's time (NITZ) once it has one.
    networkTime: async () => (await readModemClock(options.channel)).utcSeconds,
  };
  const mailer: MailSender = {
    send: async (email: Email) => {
      const result = await options.mailer.send(email);
      if (modemSilent(result)) {
        try {
          const recovered = await recovery.recover();
          options.onRecovered?.(recovered.rung);
          if (recovered.restarted) restarted = false; // the ladder re-sent the start-up settings
        } catch (error) {
          if (!(error instanceof RecoveryError)) throw error;
          log("error", error.message); // the outbox keeps the email; the next wake starts from power-on
        }
      }
      if (restarted) {
        // A restart we did not cause (RDY mid-send): echo back on, CME codes off. Set them again.
        restarted = false;
        await power.configure().catch((e: Error) => log("warn", `start-up settings after a restart: ${e.message}`));
      }
      return result;
    },
  };
  return { modem, mailer };
}
