// Runs declared commands over any channel that can run an AtCommand, collects their information
// responses through the declaration's parser (bounded), and turns every failure into a ModemError.

import type { AtCommand, DataPhase, LineView } from "../../at/types";
import { ModemError, toModemError } from "../errors";
import { buildCommand } from "./declare";
import type { ArgValue, CommandDecl } from "./declare";

/** The least the command layer needs of the AT channel (AtChannel satisfies it). */
export interface CommandChannel {
  /** Resolves on OK (after the awaited URC, if any); rejects with AtError. */
  run(command: AtCommand): Promise<void>;
}

/** Runs `command` built from `decl`, mapping failures to ModemError with the declaration's family. */
export async function runCommand(ch: CommandChannel, decl: CommandDecl<unknown>, command: AtCommand): Promise<void> {
  try {
    await ch.run(command);
  } catch (error) {
    throw toModemError(error, decl.family);
  }
}

/** A command without an information response: OK or a ModemError. */
export async function execute(ch: CommandChannel, decl: CommandDecl<unknown>, values: readonly ArgValue[] = []): Promise<void> {
  await runCommand(ch, decl, buildCommand(decl, values));
}

/** Keeps the parsed information lines of one command, at most `max`; the rest are counted. */
export class InfoCollector<R> {
  readonly items: R[] = [];
  omitted = 0;
  malformed = 0;
  readonly #decl: CommandDecl<R>;
  readonly #max: number;
  constructor(decl: CommandDecl<R>, max = decl.maxInfoLines ?? 1) {
    this.#decl = decl;
    this.#max = max;
  }
  /** For AtCommand.onInfo: parses while the LineView is valid. */
  readonly accept = (line: LineView): void => {
    if (this.items.length >= this.#max) {
      this.omitted++;
      return;
    }
    const value = this.#decl.parse ? this.#decl.parse(line) : undefined;
    if (value === undefined) this.malformed++;
    else this.items.push(value);
  };
  /** Throws when a line could not be parsed: a response we do not understand is not success. */
  check(command: AtCommand): void {
    if (this.malformed) throw responseError(this.#decl, command, `${this.malformed} unparseable ${this.#decl.expect} line(s)`);
  }
}

/** A query whose answer is a list of information lines (bounded by the declaration's maxInfoLines). */
export async function queryList<R>(
  ch: CommandChannel, decl: CommandDecl<R>, values: readonly ArgValue[] = [],
): Promise<{ items: R[]; omitted: number }> {
  const command = buildCommand(decl, values);
  const info = new InfoCollector(decl);
  command.onInfo = info.accept;
  await runCommand(ch, decl, command);
  info.check(command);
  return { items: info.items, omitted: info.omitted };
}

/** A query that must answer exactly one information line. */
export async function queryOne<R>(ch: CommandChannel, decl: CommandDecl<R>, values: readonly ArgValue[] = []): Promise<R> {
  const command = buildCommand(decl, values);
  const info = new InfoCollector(decl, 1);
  command.onInfo = info.accept;
  await runCommand(ch, decl, command);
  info.check(command);
  if (info.items.length === 0) throw responseError(decl, command, `no ${decl.expect} line before OK`);
  return info.items[0];
}

/**
 * A command with a data phase whose outcome is one information line (`+QFUPL: <size>,<checksum>`,
 * `+QSMTPBODY: <length>`). Resolves with the parsed line and the command's trace form, for the
 * caller's own checks of what the modem took.
 */
export async function transfer<R>(
  ch: CommandChannel, decl: CommandDecl<R>, values: readonly ArgValue[], data: DataPhase,
): Promise<{ result: R; trace: string }> {
  const command = buildCommand(decl, values);
  command.data = data;
  const info = new InfoCollector(decl, 1);
  command.onInfo = info.accept;
  await runCommand(ch, decl, command);
  info.check(command);
  if (info.items.length === 0) throw responseError(decl, command, `no ${decl.expect} line before OK`);
  return { result: info.items[0], trace: command.traceAs ?? command.line };
}

export function responseError(decl: CommandDecl<unknown>, command: AtCommand, meaning: string): ModemError {
  return new ModemError({
    family: decl.family, kind: "response", code: 0, meaning, retry: "transient",
    reason: "a garbled or missing response line; the UART may have dropped bytes", command: command.traceAs ?? command.line,
  });
}

/** A field that must be an integer; NaN marks the line malformed (the parser returns undefined). */
export function allInts(...values: number[]): boolean {
  for (const v of values) if (!Number.isInteger(v)) return false;
  return true;
}
