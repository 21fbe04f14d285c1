// The device side of a fault run, wired as on the ESP32 but to the in-process simulator on a virtual
// clock: AT channel, fake power pins, ModemPower and the recovery ladder. `drive` runs a promise to
// completion by jumping the virtual clock from timer to timer, waiting (in real time) only while the
// simulator's SMTP engine talks to a real server: modelled times are exact and repeatable.
import { AtChannel } from "../../src/at/channel";
import { ModemPower } from "../../src/ec20/power";
import { ModemRecovery } from "../../src/ec20/recovery";
import type { Log } from "../../src/host/types";
import { createSimulator, VirtualClock, type DeliverFn, type Fault } from "../../sim/index";
import { simulatorPins } from "./pins";
import { virtualDrive } from "./virtual-drive";

export interface ModemRigOptions {
  faults?: Fault[];
  /** The SMTP engine; default: every email "delivered" without a server. */
  deliver?: DeliverFn;
  hasResetLine?: boolean;
}

export function startModemRig(options: ModemRigOptions = {}) {
  const clock = new VirtualClock();
  const trace: string[] = [];
  const logs: string[] = [];
  const log: Log = (level, message) => logs.push(`${Math.round(clock.now())} ${level}: ${message}`);
  const { track, drive } = virtualDrive(clock);
  const deliver: DeliverFn = options.deliver ?? (async () => ({ err: 0, protocolError: 0 }));
  const sim = createSimulator({
    scheduler: clock,
    timeFactor: 1,
    faults: options.faults,
    deliver: track(() => deliver),
  });
  const channel = new AtChannel({ open: sim.openDriverPort, clock, log, trace: (d, text) => trace.push(`${Math.round(clock.now())} ${d} ${text}`) });
  const pins = simulatorPins(sim, clock);
  const lines = options.hasResetLine === false ? { ...pins.lines, reset: undefined } : pins.lines;
  const power = new ModemPower({ channel, clock, lines, log });
  const recovery = new ModemRecovery({ channel, power, clock, log, hasResetLine: options.hasResetLine !== false });


  return { clock, sim, channel, pins: pins.log, power, recovery, trace, logs, log, drive };
}
export type ModemRig = ReturnType<typeof startModemRig>;
