// The hand-off between the ESP32 host and the application: main.ts powers the modem, calls `runWake`
// once per wake with everything the app needs, then powers the modem off and deep-sleeps. The app
// (src/app, not written yet) plugs in here and nowhere else.

import type { AtChannel } from "../../src/at/channel";
import type { ModemPower } from "../../src/ec20/power";
import type { Clock, Log } from "../../src/host/types";
import type { DeviceConfig } from "./config";

export interface WakeContext {
  config: DeviceConfig;
  /** The SMTP password from mc/config or NVS; "" when none is set. Never log it. */
  smtpPassword: string;
  /** Why this boot happened (deepsleep.wakeCause()): "timer" on a scheduled wake. */
  wakeCause: string;
  /** Ready for commands: echo off, numeric errors, URCs on this UART, at `power.baud`. */
  channel: AtChannel;
  power: ModemPower;
  clock: Clock;
  log: Log;
}

/** Runs one wake cycle of the application: sample, queue, send. Resolves when the modem may be powered off. */
export type RunWake = (context: WakeContext) => Promise<void>;

// ==== HAND-OFF POINT ==========================================================================
// Replace the body with the app's wake cycle, e.g. `(context) => runTelemetryWake(context)` from
// "app/wake". It must resolve (or reject) on its own: main.ts also stops it after WAKE_DEADLINE_MS.
export const runWake: RunWake = async (context) => {
  context.log("info", "no application plugged in yet (hosts/esp32/wake.ts): modem up, nothing to send");
};
// ===============================================================================================
