// Bench 2: how long the modem is powered per wake (PWRKEY pressed to `POWERED DOWN` received) for
// 1, 5 and 20 queued emails, against the floor under the simulator's timing model: the boot (RDY)
// and network registration the modem needs before any email can go, then every byte and modelled
// latency of the commands sent once registration is complete, then the power-down time.

import { bootRig, floorOf, startNodeRig, type Floor, type NodeRig } from "./node-rig";

export interface ModemOnFigure {
  emails: number;
  baud: number;
  /** PWRKEY pressed to POWERED DOWN at the host, modelled ms. */
  onMs: number;
  floorMs: number;
  ratio: number;
  /** Where the floor comes from. */
  bootMs: number;
  registrationMs: number;
  afterRegistration: Floor;
  powerDownMs: number;
  /** onMs − floorMs split: before registration completed (polling) and after. */
  lostBeforeRegistrationMs: number;
  /** RDY to the first command sent after registration (the poll grid). */
  firstCommandAfterRegistrationMs: number;
  delivered: number;
}

/** One wake of a device that sleeps between wakes: a fresh channel and mailer, the same modem. */
async function wake(on: { clock: NodeRig["clock"]; sim: NodeRig["sim"] } | undefined, baud: number, emails: number, pollMs?: number): Promise<{ rig: NodeRig; delivered: number }> {
  const rig = await startNodeRig({ baud, pollMs, on });
  await bootRig(rig);
  let delivered = 0;
  for (let i = 0; i < emails; i++) if ((await rig.send(i)).delivered) delivered++;
  await rig.run(rig.power.powerOff());
  rig.channel.close();
  return { rig, delivered };
}

export async function modemOnBench(baud: number, counts: readonly number[], pollMs?: number): Promise<ModemOnFigure[]> {
  // A first wake puts the CA certificate into UFS, as on a deployed node; it is not measured.
  const first = await wake(undefined, baud, 1, pollMs);
  const on = { clock: first.rig.clock, sim: first.rig.sim };
  const figures: ModemOnFigure[] = [];
  for (const emails of counts) {
    const { rig, delivered } = await wake(on, baud, emails, pollMs);
    const timing = rig.sim.timing;
    const table = timing.table;
    const bootMs = timing.scale(table.rdy);
    const registrationMs = timing.scale(table.registration);
    const registeredAt = rig.poweredOnAt + bootMs + registrationMs;
    // POWERED DOWN's own bytes count; its latency overlaps AT+QPOWD's answer, so QPOWD's is not added twice.
    const after = floorOf(rig, registeredAt, rig.poweredDownAt + 1e-6);
    const powerDownMs = timing.scale(table.powerDown) - timing.commandMs("+QPOWD");
    const floorMs = bootMs + registrationMs + after.floorMs + powerDownMs;
    const onMs = rig.poweredDownAt - rig.poweredOnAt;
    const firstAfter = rig.commands.find((c) => c.at >= registeredAt);
    figures.push({
      emails,
      baud,
      onMs,
      floorMs,
      ratio: onMs / floorMs,
      bootMs,
      registrationMs,
      afterRegistration: after,
      powerDownMs,
      lostBeforeRegistrationMs: (firstAfter?.at ?? registeredAt) - registeredAt,
      firstCommandAfterRegistrationMs: (firstAfter?.at ?? NaN) - (rig.poweredOnAt + bootMs),
      delivered,
    });
  }
  return figures;
}
