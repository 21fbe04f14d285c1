// Bench 1: the time to send the reference report over the simulator's baud-accurate UART, against the
// floor for the same email: every byte that crossed the wire × 10 bits / baud, plus the modelled
// latency of every command sent (and the data-mode end per data phase, the minimum SMTP session per
// AT+QSMTPPUT). Measured on a warm session (PDP active, settings applied): the email's own cost.

import { bootRig, floorOf, startNodeRig, type Floor } from "./node-rig";

export interface WireFigure {
  baud: number;
  /** Modelled ms from Mailer.send() to its result. */
  sendMs: number;
  floor: Floor;
  ratio: number;
  /** Milliseconds per phase of the send. */
  phases: { phase: string; ms: number }[];
  /** `+++` sent during the send (none expected: data phases end by count). */
  escapes: number;
  /** The first send of a wake once registered, for comparison (it also activates PDP, applies the
   *  settings and checks the CA certificate). */
  cold: { sendMs: number; floorMs: number; ratio: number; commands: number };
}

export async function wireBench(baud: number): Promise<WireFigure> {
  const rig = await startNodeRig({ baud });
  try {
    await bootRig(rig);
    // The network registers a fixed time after RDY whatever the driver does; start after it so the
    // first send's window holds only what the driver asks (PDP activation, settings, the email).
    const registeredAt = rig.sim.modem.rdyAt + rig.sim.timing.scale(rig.sim.timing.table.registration);
    await rig.clock.advance(Math.max(0, registeredAt - rig.clock.now()));
    const coldFrom = rig.clock.now();
    const first = await rig.send(0);
    const coldTo = rig.clock.now();
    if (!first.delivered) throw new Error(`first send failed: ${first.error?.message}`);
    const from = rig.clock.now();
    const result = await rig.send(1);
    const to = rig.clock.now();
    if (!result.delivered) throw new Error(`send failed: ${result.error?.message}`);
    // The result URC is read at `to`; its bytes belong to the window.
    const floor = floorOf(rig, from, to + 1e-6);
    const cold = floorOf(rig, coldFrom, coldTo + 1e-6);
    return {
      baud,
      sendMs: to - from,
      floor,
      ratio: (to - from) / floor.floorMs,
      phases: result.phases,
      escapes: floor.byName["+++"] ?? 0,
      cold: { sendMs: coldTo - coldFrom, floorMs: cold.floorMs, ratio: (coldTo - coldFrom) / cold.floorMs, commands: cold.commands },
    };
  } finally {
    rig.close();
  }
}
