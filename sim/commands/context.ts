// What a command handler may touch: the state, the file store, and a few modem actions. Handlers
// are pure functions of (command, context) -> Reply, one table per command family.
import type { ParsedCommand } from "../at-line";
import type { FileStore } from "../files";
import type { Reply } from "../reply";
import type { Scheduler } from "../scheduler";
import type { VolatileState } from "../state";
import type { Timing } from "../timing";

export interface CommandContext {
  readonly state: VolatileState;
  readonly files: FileStore;
  readonly timing: Timing;
  readonly scheduler: Scheduler;
  readonly simPresent: boolean;
  /** Registered on the network (some seconds after RDY). */
  registered(): boolean;
  /** +CSQ values now. */
  signal(): [number, number];
  /** The network's time (NITZ) once registered, when the simulation gives one. */
  networkTime(): { utcMs: number; zoneQuarters: number } | undefined;
  /** Milliseconds since RDY (the modem's own clock starts then). */
  sinceRdyMs(): number;
  urcport: string;
  /** Switches the modem's UART rate (call it after the OK has been queued). */
  setBaud(rate: number): void;
  /** Emits an unsolicited line; `routed` ones obey AT+QURCCFG, command results do not. */
  urc(text: string, routed: boolean): void;
  /** AT+QPOWD: `POWERED DOWN` after the modelled delay, then the modem is off. */
  powerDown(): void;
  /** AT+QSMTPPUT after its OK: runs the delivery and emits +QSMTPPUT. */
  startDelivery(timeoutSeconds: number): void;
  /** AT+QFUPL: what to answer when the upload's timeout ends it ("partial" keeps the bytes). */
  readonly uploadTimeoutResult: "partial" | "error";
}

export type Handler = (command: ParsedCommand, context: CommandContext) => Reply;
export type CommandTable = Record<string, Handler>;
