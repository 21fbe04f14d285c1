// The mailer on Node against the EC20 simulator, everything on one VirtualClock that jumps from timer
// to timer: modelled time is exact and deterministic, and no real time is spent waiting. The port is
// wrapped to count bytes each way with their time, and the channel's trace gives the commands, so
// a window of the run can be compared with its floor under the simulator's timing model.

import { AtChannel } from "../src/at/channel";
import type { Log, OpenSerial } from "../src/host/types";
import { Mailer } from "../src/mailer/mailer";
import { ModemPower } from "../src/ec20/power";
import type { SendResult } from "../src/mailer/types";
import { commandKey, createSimulator, VirtualClock, type Simulator } from "../sim/index";
import { referenceEmail, referenceSettings } from "./reference";

export interface WireEvent {
  at: number;
  direction: "tx" | "rx";
  bytes: number;
}

export interface CommandEvent {
  at: number;
  /** The command's key as the simulator parses it ("+QSMTPDST"), "<data>" for a data phase, "+++". */
  name: string;
}

export interface NodeRig {
  clock: VirtualClock;
  sim: Simulator;
  channel: AtChannel;
  mailer: Mailer;
  power: ModemPower;
  wire: WireEvent[];
  commands: CommandEvent[];
  logs: string[];
  /** When sim.powerOn() was called (PWRKEY pressed) and when POWERED DOWN reached the host. */
  poweredOnAt: number;
  poweredDownAt: number;
  /** Runs the clock until `promise` settles; rejects if it rejects. */
  run<T>(promise: Promise<T>, limitMs?: number): Promise<T>;
  send(sequence?: number): Promise<SendResult>;
  close(): void;
}

/**
 * A device: channel, mailer and power control. Pass `on` to wake a device again on the same simulated
 * modem (after deep sleep the ESP32 starts from scratch; the modem keeps its UFS files).
 */
export async function startNodeRig(options: { baud: number; pollMs?: number; on?: { clock: VirtualClock; sim: Simulator } }): Promise<NodeRig> {
  const clock = options.on?.clock ?? new VirtualClock();
  const sim = options.on?.sim ?? createSimulator({ scheduler: clock, baud: options.baud, deliver: async () => ({ err: 0, protocolError: 0 }) });
  const wire: WireEvent[] = [];
  const commands: CommandEvent[] = [];
  const logs: string[] = [];
  const log: Log = (level, message) => logs.push(`${level}: ${message}`);
  const open: OpenSerial = (events) => {
    const port = sim.openDriverPort(events);
    return {
      read(into) {
        const n = port.read(into);
        if (n > 0) wire.push({ at: clock.now(), direction: "rx", bytes: n });
        return n;
      },
      write(data) {
        wire.push({ at: clock.now(), direction: "tx", bytes: data.length });
        port.write(data);
      },
      close: () => port.close(),
    };
  };
  const channel = new AtChannel({
    open,
    clock,
    log,
    encoder: new TextEncoder(),
    trace: (direction, text) => {
      if (direction !== "tx") return;
      const name = text.startsWith("<") ? "<data>" : text === "+++" ? "+++" : commandKey(text);
      commands.push({ at: clock.now(), name });
    },
  });
  const rig: NodeRig = {
    clock,
    sim,
    channel,
    wire,
    commands,
    logs,
    poweredOnAt: NaN,
    poweredDownAt: NaN,
    mailer: new Mailer({ channel, clock, log, settings: referenceSettings(options.pollMs) }),
    power: undefined as unknown as ModemPower,
    async run<T>(promise: Promise<T>, limitMs = 3_600_000): Promise<T> {
      let settled = false;
      let value: T | undefined;
      let failure: unknown;
      let failed = false;
      promise.then(
        (v) => ((settled = true), (value = v)),
        (e) => ((settled = true), (failed = true), (failure = e)),
      );
      await clock.until(() => settled, limitMs);
      if (failed) throw failure;
      return value as T;
    },
    send(sequence = 0) {
      return rig.run(rig.mailer.send(referenceEmail(sequence)));
    },
    close() {
      channel.close();
      sim.powerOff();
    },
  };
  rig.power = new ModemPower({
    channel,
    clock,
    log,
    lines: {
      // The modem starts booting when PWRKEY is pressed; STATUS follows its power state.
      pwrkey: { write: (v) => { if (v === 1 && sim.modem.power === "off") { rig.poweredOnAt = clock.now(); sim.powerOn(); } } },
      status: { read: () => (sim.modem.power === "off" ? 0 : 1) },
    },
  });
  channel.subscribe("POWERED DOWN", () => (rig.poweredDownAt = clock.now()));
  return rig;
}

/** Powers on, applies the start-up settings: the state a wake is in before its first email. */
export async function bootRig(rig: NodeRig): Promise<void> {
  await rig.run(rig.power.powerOn());
  await rig.run(rig.power.configure());
}

export interface Floor {
  /** Bytes on the wire in the window, both directions. */
  wireBytes: number;
  wireMs: number;
  /** Modelled command latencies of the commands in the window, plus data-phase ends and SMTP sessions. */
  latencyMs: number;
  commands: number;
  /** Commands by name, in the window. */
  byName: Record<string, number>;
  floorMs: number;
}

/**
 * The least time the window [from, to) can take under the simulator's timing model: every byte that
 * crossed the wire at 10 bits per byte, plus the modelled latency of every command sent, the data-mode
 * end delay per data phase, and the minimum SMTP session per AT+QSMTPPUT.
 */
export function floorOf(rig: NodeRig, from: number, to: number): Floor {
  const timing = rig.sim.timing;
  const table = timing.table;
  let wireBytes = 0;
  for (const e of rig.wire) if (e.at >= from && e.at < to) wireBytes += e.bytes;
  let latencyMs = 0;
  let commands = 0;
  const byName: Record<string, number> = {};
  for (const c of rig.commands) {
    if (c.at < from || c.at >= to) continue;
    byName[c.name] = (byName[c.name] ?? 0) + 1;
    if (c.name === "<data>") {
      latencyMs += timing.scale(table.dataEnd);
      continue;
    }
    commands++;
    latencyMs += timing.commandMs(c.name);
    if (c.name === "+QSMTPPUT") latencyMs += timing.scale(table.smtpSession);
  }
  const wireMs = wireBytes * timing.byteMs();
  return { wireBytes, wireMs, latencyMs, commands, byName, floorMs: wireMs + latencyMs };
}
