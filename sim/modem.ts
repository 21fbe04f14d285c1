// The simulated EC20: power and boot, the command line (echo, CR, LF ignored), one command at a
// time from a queue with its modelled latency, data mode, response framing per ATV/AT+CMEE, URC
// routing per AT+QURCCFG, scripted faults, and the asynchronous AT+QSMTPPUT result.
import { parseCommandLine } from "./at-line";
import type { CommandContext, CommandTable } from "./commands/context";
import { fileCommands } from "./commands/files";
import { generalCommands } from "./commands/general";
import { pdpCommands } from "./commands/pdp";
import { smtpConfigCommands } from "./commands/smtp-config";
import { smtpContentCommands } from "./commands/smtp-content";
import { sslCommands } from "./commands/ssl";
import { CommandLineReader, LINE_TOO_LONG } from "./command-line";
import { DataReceiver } from "./data-mode";
import type { DeliveryResult } from "./delivery-types";
import type { Fault, FaultPlan } from "./faults";
import { FileStore } from "./files";
import { formatConnect, formatLine, formatResponse } from "./framing";
import { error, ok, type DataPhaseSpec, type Reply } from "./reply";
import type { Scheduler } from "./scheduler";
import { buildDeliveryRequest, isResult, runDelivery, type DeliverFn, type DeliveryRun } from "./smtp-put";
import { freshState, type VolatileState } from "./state";
import type { Timing } from "./timing";
import type { Trace } from "./trace";
import { Uart } from "./uart";

const COMMANDS: CommandTable = {
  ...generalCommands,
  ...pdpCommands,
  ...sslCommands,
  ...fileCommands,
  ...smtpConfigCommands,
  ...smtpContentCommands,
};

export interface ModemOptions {
  scheduler: Scheduler;
  timing: Timing;
  faults: FaultPlan;
  trace: Trace;
  deliver?: DeliverFn;
  smtpRedirect?: { host: string; port: number };
  pdpLossResult: number;
  uploadTimeoutResult: "partial" | "error";
  simPresent: boolean;
  signal: [number, number];
  /** UTC (ms) when the scheduler reads 0, and the zone, of the network time the modem learns on
   *  registration; undefined: the network sends none. */
  networkTime?: { utcMsAtZero: number; zoneQuarters: number };
  /** The saved AT+QURCCFG port; "usbat" is the factory default, so UART URCs need "uart1" or "all". */
  urcport: string;
}

export interface ModemStats {
  /** Routed URCs not shown on the UART because AT+QURCCFG points elsewhere. */
  urcsToOtherPort: number;
  /** ACK-mode chunks the host sent before it could have seen the `A` for the previous block. */
  ackViolations: number;
  /** Commands executed (every form). */
  commands: number;
  reboots: number;
}

export type PowerState = "off" | "booting" | "on";

export class Modem {
  readonly uart: Uart;
  readonly files = new FileStore();
  readonly stats: ModemStats = { urcsToOtherPort: 0, ackViolations: 0, commands: 0, reboots: 0 };
  state: VolatileState = freshState();
  urcport: string;
  power: PowerState = "off";
  /** Deliveries started, for tests (the request as the engine got it). */
  readonly deliveries: { request: unknown; result?: DeliveryResult }[] = [];
  readonly #o: ModemOptions;
  /** Bumped on every reboot or power-off; timers from an older generation do nothing. */
  #generation = 0;
  #rdyAt = Infinity;
  readonly #lineReader = new CommandLineReader();
  #queue: string[] = [];
  #busy = false;
  #data: DataReceiver | undefined;
  /** ACK mode: the block size, and when each `A` reached the host. */
  #blockSize: number | undefined;
  #ackArrivals: number[] = [];
  #delivery: DeliveryRun | undefined;

  constructor(options: ModemOptions) {
    this.#o = options;
    this.urcport = options.urcport;
    this.uart = new Uart(options.scheduler, options.timing, options.faults.filter);
    this.uart.toModem.deliver = (bytes, sent, sentAt) => {
      this.#receive(bytes, sentAt);
      this.onHostBytesSent?.(sent);
    };
  }

  /** Called when bytes the host wrote have left its transmit FIFO (the in-process port's window). */
  onHostBytesSent: ((count: number) => void) | undefined;

  /** The host hands bytes to the UART. */
  fromHost(bytes: Uint8Array): void {
    this.#o.trace.record("tx", bytes);
    this.uart.toModem.send(bytes);
  }

  get busy(): boolean {
    return this.#busy;
  }

  get inDataMode(): boolean {
    return this.#data !== undefined;
  }

  get rdyAt(): number {
    return this.#rdyAt;
  }

  powerOn(): void {
    if (this.power !== "off") return;
    this.#startBoot();
  }

  powerOff(): void {
    this.#lose();
    this.power = "off";
  }

  /** A reset mid-session: everything volatile is lost, `RDY` comes again after the boot time. */
  reboot(): void {
    // A lock-up that only removing power clears: RESET_N does nothing (no RDY follows).
    if (this.#hung === "power") return;
    this.stats.reboots++;
    this.#lose();
    this.#startBoot();
  }

  /** A "lose-result" fault is armed for the running AT+QSMTPPUT. */
  #loseNextPutResult = false;

  /** A "hang" fault in force: the modem is on but deaf (see faults.ts). */
  #hung: "reset" | "power" | undefined;

  #lose(): void {
    this.#hung = undefined;
    this.#loseNextPutResult = false;
    this.#generation++;
    this.#data?.abandon();
    this.#data = undefined;
    this.#delivery = undefined;
    this.#busy = false;
    this.#queue = [];
    this.#lineReader.reset();
    this.state = freshState();
    this.files.clearRam();
    // The baud rate (saved by AT&W) and the URC port (saved automatically) survive.
    this.#rdyAt = Infinity;
  }

  #startBoot(): void {
    this.power = "booting";
    const generation = this.#generation;
    const { scheduler, timing } = this.#o;
    this.#after(timing.scale(timing.table.rdy), generation, () => {
      this.power = "on";
      this.#rdyAt = scheduler.now();
      this.#emitLine("RDY");
      for (const urc of timing.table.bootUrcs) {
        this.#after(timing.scale(urc.afterRdyMs), generation, () => this.urc(urc.text, true));
      }
    });
    for (const fault of this.#o.faults.timed()) {
      if (!("atMs" in fault) || fault.atMs === undefined) continue;
      this.#after(timing.scale(fault.atMs), generation, () => this.#applyTimedFault(fault));
    }
  }

  #applyTimedFault(fault: Fault): void {
    if (fault.kind === "reboot") this.reboot();
    else if (fault.kind === "pdpdeact") this.dropPdp(fault.cid ?? this.state.smtp.contextId);
    else if (fault.kind === "garbage") this.#emit(Buffer.from(fault.text, "latin1"));
  }

  /**
   * The DTR line. A rise from 0 to 1 ends data-mode input (body or upload) as `+++` does, when AT&D
   * is 1 or 2 (SMTP manual §1.3); with AT&D0 it is ignored.
   */
  setDtr(level: 0 | 1): void {
    const rising = this.#dtr === 0 && level === 1;
    this.#dtr = level;
    if (rising && this.#data && this.state.andD !== 0) this.#data.endByDtr();
  }
  #dtr: 0 | 1 = 0;

  /** The network drops a PDP context: the URC, and an SMTP send on it fails. */
  dropPdp(cid: number): void {
    if (!this.state.activePdp.delete(cid)) return;
    this.urc(`+QIURC: "pdpdeact",${cid}`, true);
    if (this.#delivery && this.state.smtp.contextId === cid) {
      this.#delivery.settle({ err: this.#o.pdpLossResult, protocolError: 0 });
    }
  }

  /** Emits an unsolicited line. Routed URCs reach the UART only when AT+QURCCFG includes it. */
  urc(text: string, routed: boolean): void {
    if (this.power !== "on") return;
    if (routed && this.urcport !== "uart1" && this.urcport !== "all") {
      this.stats.urcsToOtherPort++;
      return;
    }
    this.#emitLine(text);
  }

  registered(): boolean {
    return this.#o.scheduler.now() >= this.#rdyAt + this.#o.timing.scale(this.#o.timing.table.registration);
  }

  // ---- receiving ----

  #receive(bytes: Uint8Array, sentAt: number): void {
    if (this.power !== "on" || this.#hung) return;
    let offset = 0;
    while (offset < bytes.length) {
      const rest = bytes.subarray(offset);
      if (this.#data) {
        this.#checkAckDiscipline(rest.length, sentAt);
        offset += this.#data.receive(rest);
        if (this.#data?.finished) this.#data = undefined;
      } else {
        offset += this.#receiveCommandBytes(rest);
      }
    }
  }

  /** In ACK mode, byte p may be sent only after floor(p / 1024) `A`s have reached the host. */
  #checkAckDiscipline(count: number, sentAt: number): void {
    const data = this.#data as DataReceiver;
    const block = this.#blockSize;
    if (!block) return;
    const needed = Math.floor((data.received + count - 1) / block);
    const seen = this.#ackArrivals.filter((t) => t <= sentAt).length;
    if (needed > seen) this.stats.ackViolations++;
  }

  /** Command mode: echo, assemble the line, queue it at CR. Returns the bytes consumed. */
  #receiveCommandBytes(bytes: Uint8Array): number {
    let echoFrom = 0;
    for (let i = 0; i < bytes.length; i++) {
      const line = this.#lineReader.push(bytes[i]!);
      if (line === undefined) continue;
      // The echo (with its CR) leaves before anything the command answers.
      if (this.state.echo) this.#emit(bytes.slice(echoFrom, i + 1));
      echoFrom = i + 1;
      this.#queue.push(line);
      this.#pump();
    }
    if (this.state.echo && echoFrom < bytes.length) this.#emit(bytes.slice(echoFrom));
    return bytes.length;
  }

  // ---- executing ----

  #pump(): void {
    if (this.#busy || this.#queue.length === 0 || this.power !== "on") return;
    const line = this.#queue.shift() as string;
    if (line === LINE_TOO_LONG) {
      this.#busy = true;
      this.#answer(error(), this.#o.timing.scale(this.#o.timing.table.defaultCommand));
      return;
    }
    // Characters before "AT" (noise, a padding tail after an upload) are ignored, as is an empty line.
    const start = line.toUpperCase().indexOf("AT");
    if (start < 0) return this.#pump();
    this.#busy = true;
    this.#execute(line.slice(start));
  }

  #execute(line: string): void {
    this.stats.commands++;
    const command = parseCommandLine(line);
    const { timing } = this.#o;
    if (!command) return this.#answer(error(), timing.scale(timing.table.defaultCommand));
    const latency = timing.commandMs(command.name);
    let reply: Reply | undefined;
    let pdpAfter: Fault | undefined;
    for (const fault of this.#o.faults.onCommand(command.name)) {
      switch (fault.kind) {
        case "reboot":
          this.reboot();
          return;
        case "silent":
          reply = { kind: "silent" };
          break;
        case "lose-result":
          this.#loseNextPutResult = true;
          break;
        case "hang":
          if (fault.until === "escape") return this.#hangInDataMode();
          this.#hung = fault.until;
          this.#busy = false;
          this.#queue = [];
          return;
        case "error":
          reply = fault.code === undefined ? error() : { kind: "result", lines: [], result: { kind: "cme", code: fault.code } };
          break;
        case "noise":
          this.#emitLine(fault.text);
          break;
        case "garbage":
          this.#emit(Buffer.from(fault.text, "latin1"));
          break;
        case "pdpdeact":
          pdpAfter = fault;
          break;
      }
    }
    const handler = COMMANDS[command.name];
    reply ??= handler ? handler(command, this.#context()) : error();
    this.#answer(reply, latency);
    if (pdpAfter) {
      const cid = pdpAfter.kind === "pdpdeact" ? pdpAfter.cid : undefined;
      const delay = pdpAfter.kind === "pdpdeact" ? (pdpAfter.delayMs ?? 1) : 1;
      this.#after(latency + timing.scale(delay), this.#generation, () => this.dropPdp(cid ?? this.state.smtp.contextId));
    }
  }

  #answer(reply: Reply, latency: number): void {
    const generation = this.#generation;
    if (reply.kind === "silent") {
      this.#busy = false;
      return this.#pump();
    }
    this.#after(latency, generation, () => {
      if (reply.kind === "data") return this.#enterDataMode(reply);
      this.#emit(Buffer.from(formatResponse(reply.lines, reply.result, this.state), "latin1"));
      reply.after?.();
      this.#busy = false;
      this.#pump();
    });
  }

  /** Stuck in data mode without a CONNECT: every byte is swallowed until `+++` (guarded), then OK. */
  #hangInDataMode(): void {
    const { scheduler, timing } = this.#o;
    const generation = this.#generation;
    this.#blockSize = undefined;
    const spec: DataPhaseSpec = {
      length: 65536, timeoutMs: 0x7fffffff, idle: false, // a host timer's longest delay
      finish: () => ok(),
    };
    this.#data = new DataReceiver(spec, scheduler, timing.scale(timing.table.escapeGuard), () => {}, (bytes, end) => {
      if (generation !== this.#generation) return;
      this.#data = undefined;
      this.#answer(end === "escape" ? ok() : error(), timing.scale(timing.table.dataEnd));
    });
  }

  #enterDataMode(reply: Extract<Reply, { kind: "data" }>): void {
    const { scheduler, timing } = this.#o;
    const generation = this.#generation;
    this.#emit(Buffer.from(formatConnect(this.state.verbose), "latin1"));
    this.#ackArrivals = [];
    this.#blockSize = reply.phase.ackBlock;
    const sendAck = () => {
      this.#emit(Uint8Array.of(0x41));
      this.#ackArrivals.push(this.uart.toHost.idleAt);
    };
    this.#data = new DataReceiver(reply.phase, scheduler, timing.scale(timing.table.escapeGuard), sendAck, (bytes, end) => {
      if (generation !== this.#generation) return;
      this.#data = undefined;
      this.#answer(reply.phase.finish(bytes, end), timing.scale(timing.table.dataEnd));
    });
  }

  // ---- output ----

  #emitLine(text: string): void {
    this.#emit(Buffer.from(formatLine(text, this.state.verbose), "latin1"));
  }

  #emit(bytes: Uint8Array): void {
    this.#o.trace.record("rx", bytes);
    this.uart.toHost.send(bytes);
  }

  #after(ms: number, generation: number, action: () => void): void {
    this.#o.scheduler.setTimer(() => {
      if (generation === this.#generation) action();
    }, ms);
  }

  // ---- the handlers' view ----

  #context(): CommandContext {
    const modem = this;
    const o = this.#o;
    return {
      state: this.state,
      files: this.files,
      timing: o.timing,
      scheduler: o.scheduler,
      simPresent: o.simPresent,
      registered: () => this.registered(),
      signal: () => (this.registered() ? o.signal : [99, 99]),
      networkTime: () =>
        o.networkTime && this.registered()
          ? { utcMs: o.networkTime.utcMsAtZero + o.scheduler.now(), zoneQuarters: o.networkTime.zoneQuarters }
          : undefined,
      sinceRdyMs: () => Math.max(0, o.scheduler.now() - this.#rdyAt),
      get urcport() {
        return modem.urcport;
      },
      set urcport(port: string) {
        modem.urcport = port;
      },
      setBaud: (rate) => (o.timing.baud = rate),
      urc: (text, routed) => this.urc(text, routed),
      powerDown: () => this.#powerDown(),
      startDelivery: (seconds) => this.#startDelivery(seconds),
      uploadTimeoutResult: o.uploadTimeoutResult,
    };
  }

  #powerDown(): void {
    const generation = this.#generation;
    this.#after(this.#o.timing.scale(this.#o.timing.table.powerDown), generation, () => {
      this.#emitLine("POWERED DOWN");
      this.#lose();
      this.power = "off";
    });
  }

  /** After QSMTPPUT's OK: deliver, then `+QSMTPPUT: <err>,<protocol_error>`. */
  #startDelivery(timeoutSeconds: number): void {
    const { scheduler, timing } = this.#o;
    const generation = this.#generation;
    const timeoutMs = timing.scale(timeoutSeconds * 1000);
    const request = buildDeliveryRequest(this.state, this.files, timeoutMs, {
      pdpLossResult: this.#o.pdpLossResult,
      ...(this.#o.smtpRedirect ? { smtpRedirect: this.#o.smtpRedirect } : {}),
    });
    const record: { request: unknown; result?: DeliveryResult } = { request };
    if (!isResult(request)) this.deliveries.push(record);
    this.#delivery = runDelivery({
      request,
      timeoutMs,
      sessionMs: timing.scale(timing.table.smtpSession),
      now: () => scheduler.now(),
      after: (ms, action) => this.#after(ms, generation, action),
      ...(this.#o.deliver ? { deliver: this.#o.deliver } : {}),
      report: (result) => {
        if (generation !== this.#generation) return;
        record.result = result;
        this.state.sending = false;
        this.#delivery = undefined;
        if (this.#loseNextPutResult) {
          this.#loseNextPutResult = false; // the email went out; only the proof is lost on the wire
          return;
        }
        this.urc(`+QSMTPPUT: ${result.err},${result.protocolError}`, false);
      },
    });
  }
}
