/**
 * The EC20 simulator: a Quectel EC20 as the driver sees it over its UART, for tests, benchmarks and
 * users without hardware.
 *
 *   const clock = new VirtualClock();
 *   const sim = createSimulator({ scheduler: clock, timeFactor: 1, deliver: fakeDeliver });
 *   const port = sim.openDriverPort({ onReadable, onWritable, onError });   // src/host/types.ts SerialPort
 *   sim.powerOn();                       // `RDY` after 12 s of modelled time (× timeFactor)
 *   await clock.advance(13_000);
 *   sim.inspect().smtp.recipients        // state for assertions
 *
 * Options (all optional):
 *   scheduler      VirtualClock for in-process tests, realScheduler (default) for pty/TCP.
 *   timeFactor     scales every modelled duration: UART byte time, command latencies, RDY, guard
 *                  times, and the timeouts given in commands (QSMTPBODY input_time, QSMTPPUT ...).
 *   baud           initial AT+IPR rate (115200). The in-process host runs at this rate until
 *                  setHostBaud(); after AT+IPR=<other> it receives garbage, as on a real UART.
 *   latencies      overrides of timing.ts' table (rdy, per-command latency, smtpSession ...).
 *   deliver        the SMTP engine `(DeliveryRequest) => Promise<DeliveryResult>`; defaults to
 *                  sim/smtp-delivery.ts's `deliver`, loaded on the first AT+QSMTPPUT.
 *   smtpRedirect   {host, port}: deliver every email there, whatever AT+QSMTPCFG says.
 *   faults         Fault[] (sim/faults.ts); more can be added with sim.faults.add().
 *   urcport        the saved AT+QURCCFG port; "usbat" (factory) hides routed URCs (boot URCs,
 *                  pdpdeact) from the UART; use "uart1" to see them without configuring.
 *   pdpLossResult  657 (default) or 654: +QSMTPPUT's err when the context drops or is inactive.
 *   uploadTimeoutResult "partial" (default: +QFUPL: <n>,<cs>) or "error" (+CME ERROR: 421).
 *   simPresent     false: +CPIN? answers +CME ERROR: 10, no registration.
 *   signal         +CSQ once registered ([30, 99]).
 *   networkTime    {utcMsAtZero, zoneQuarters}: the network time (NITZ) AT+CCLK? shows once registered,
 *                  UTC ms at scheduler time 0; without it the clock runs from 1980-01-06 since RDY.
 *   onTrace        called with each trace entry (credentials masked).
 *   hostTxFifo / hostRxCapacity  the in-process port's transmit window (128) and receive buffer (4096).
 *
 * The returned Simulator: openDriverPort (OpenSerial, one open port at a time), attachPty(),
 * listenTcp(), powerOn/powerOff/reboot, dropPdp(cid), setDtr(level), setHostBaud(), timing (modelled latencies
 * for benchmark floors), trace, faults, portStats, modem (the object itself), inspect().
 */
import type { OpenSerial } from "../src/host/types";
import { FaultPlan, type Fault } from "./faults";
import { Modem, type ModemStats, type PowerState } from "./modem";
import { realScheduler, type Scheduler } from "./scheduler";
import type { DeliverFn } from "./smtp-put";
import type { PdpProfile, SmtpConfig, SmtpContent, SslContext } from "./state";
import { Timing, type LatencyTable } from "./timing";
import { Trace, type TraceEntry } from "./trace";
import { createInProcessOpener, type InProcessPortStats } from "./transports/in-process";
import { attachPty, type PtyAttachment } from "./transports/pty";
import { listenTcp, type TcpAttachment } from "./transports/tcp";

export { VirtualClock, realScheduler, type Scheduler } from "./scheduler";
export { parseFault, commandKey, type Fault } from "./faults";
export { qfuplChecksum } from "./files";
export { Timing, defaultLatencies, type LatencyTable } from "./timing";
export type { DeliverFn } from "./smtp-put";
export type { TraceEntry } from "./trace";
export type { DeliveryRequest, DeliveryResult } from "./delivery-types";

export interface SimulatorOptions {
  scheduler?: Scheduler;
  timeFactor?: number;
  baud?: number;
  latencies?: Partial<LatencyTable>;
  deliver?: DeliverFn;
  smtpRedirect?: { host: string; port: number };
  faults?: Fault[];
  urcport?: string;
  pdpLossResult?: 657 | 654;
  uploadTimeoutResult?: "partial" | "error";
  simPresent?: boolean;
  signal?: [number, number];
  networkTime?: { utcMsAtZero: number; zoneQuarters?: number };
  onTrace?: (entry: TraceEntry) => void;
  hostTxFifo?: number;
  hostRxCapacity?: number;
}

/** A copy of the modem's state for assertions. */
export interface SimulatorSnapshot {
  power: PowerState;
  echo: boolean;
  verbose: boolean;
  cmee: number;
  baud: number;
  urcport: string;
  busy: boolean;
  inDataMode: boolean;
  sending: boolean;
  /** "RAM:x" / "UFS:x" -> contents. */
  files: Map<string, Uint8Array>;
  smtp: SmtpConfig & { recipients: SmtpContent["recipients"]; subject: SmtpContent["subject"]; body: SmtpContent["body"]; attachments: [number, string][] };
  pdp: { profiles: [number, PdpProfile][]; active: [number, string][] };
  ssl: SslContext[];
  stats: ModemStats;
}

export interface Simulator {
  readonly modem: Modem;
  readonly timing: Timing;
  readonly trace: Trace;
  readonly faults: FaultPlan;
  /** Opens the in-process driver side of the UART. */
  readonly openDriverPort: OpenSerial;
  readonly portStats: InProcessPortStats;
  /** The in-process host's UART rate ("follow" always matches the modem). */
  setHostBaud(rate: number | "follow"): void;
  powerOn(): void;
  powerOff(): void;
  reboot(): void;
  dropPdp(cid: number): void;
  /** The DTR line (optional to use): a 0 -> 1 rise ends data-mode input when AT&D is 1 or 2. */
  setDtr(level: 0 | 1): void;
  attachPty(): Promise<PtyAttachment>;
  listenTcp(port?: number, host?: string): Promise<TcpAttachment>;
  inspect(): SimulatorSnapshot;
}

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const scheduler = options.scheduler ?? realScheduler;
  const baud = options.baud ?? 115200;
  const timing = new Timing(options.timeFactor ?? 1, baud, options.latencies);
  const trace = new Trace(() => scheduler.now(), options.onTrace);
  const faults = new FaultPlan(options.faults);
  const modem = new Modem({
    scheduler,
    timing,
    faults,
    trace,
    ...(options.deliver ? { deliver: options.deliver } : {}),
    ...(options.smtpRedirect ? { smtpRedirect: options.smtpRedirect } : {}),
    pdpLossResult: options.pdpLossResult ?? 657,
    uploadTimeoutResult: options.uploadTimeoutResult ?? "partial",
    simPresent: options.simPresent ?? true,
    signal: options.signal ?? [30, 99],
    ...(options.networkTime ? { networkTime: { utcMsAtZero: options.networkTime.utcMsAtZero, zoneQuarters: options.networkTime.zoneQuarters ?? 0 } } : {}),
    urcport: options.urcport ?? "usbat",
  });
  modem.uart.hostBaud = baud;
  const opener = createInProcessOpener(modem, scheduler, {
    txFifo: options.hostTxFifo ?? 128,
    rxCapacity: options.hostRxCapacity ?? 4096,
  });
  return {
    modem,
    timing,
    trace,
    faults,
    openDriverPort: opener.open,
    portStats: opener.stats,
    setHostBaud: (rate) => (modem.uart.hostBaud = rate),
    powerOn: () => modem.powerOn(),
    powerOff: () => modem.powerOff(),
    reboot: () => modem.reboot(),
    dropPdp: (cid) => modem.dropPdp(cid),
    setDtr: (level) => modem.setDtr(level),
    attachPty: () => attachPty(modem),
    listenTcp: (port, host) => listenTcp(modem, port, host),
    inspect: () => snapshot(modem, timing),
  };
}

function snapshot(modem: Modem, timing: Timing): SimulatorSnapshot {
  const s = modem.state;
  return {
    power: modem.power,
    echo: s.echo,
    verbose: s.verbose,
    cmee: s.cmee,
    baud: timing.baud,
    urcport: modem.urcport,
    busy: modem.busy,
    inDataMode: modem.inDataMode,
    sending: s.sending,
    files: modem.files.snapshot(),
    smtp: {
      ...s.smtp,
      recipients: s.content.recipients.map((r) => ({ ...r })),
      subject: { ...s.content.subject },
      body: s.content.body,
      attachments: [...s.content.attachments],
    },
    pdp: { profiles: [...s.pdpProfiles], active: [...s.activePdp] },
    ssl: s.ssl.map((c) => ({ ...c, other: { ...c.other } })),
    stats: { ...modem.stats },
  };
}
