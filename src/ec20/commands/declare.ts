// How an EC20 command is declared (esp-modem style: data, not code) and how a declaration plus
// argument values becomes an AtCommand. Arguments are checked against their limits here, before any
// AT traffic, and no value can end the AT quote or the command line.

import type { AtCommand, LineView } from "../../at/types";
import type { ErrorFamily } from "../error-codes";
import type { LimitRule } from "../limits";

/** One argument of a write command, in the order it appears on the line. */
export type ArgSpec =
  /** A fixed quoted sub-command such as "smtpserver"; takes no value. */
  | { readonly kind: "key"; readonly text: string }
  /** A decimal integer in [min, max]. */
  | { readonly kind: "int"; readonly name: string; readonly min: number; readonly max: number }
  /** A decimal integer from a fixed set (AT+IPR rates). */
  | { readonly kind: "choice"; readonly name: string; readonly values: readonly number[] }
  /** An unquoted 0x-prefixed hexadecimal integer (AT+QSSLCFG ciphersuite 0xFFFF). */
  | { readonly kind: "hex-int"; readonly name: string; readonly min: number; readonly max: number }
  /** A quoted printable-ASCII string (no `"` or `\`), minBytes..maxBytes; `secret` is masked in traces. */
  | { readonly kind: "string"; readonly name: string; readonly minBytes: number; readonly maxBytes: number; readonly secret?: boolean }
  /** A quoted string of an even number of uppercase hex digits, at most maxDigits (AT+QSMTPSUB charset != 0). */
  | { readonly kind: "hex-string"; readonly name: string; readonly maxDigits: number }
  /** A quoted word from a fixed set (AT+QURCCFG "uart1"). */
  | { readonly kind: "word"; readonly name: string; readonly values: readonly string[] };

export type ArgValue = string | number;

export type CommandForm =
  | "exec" // AT+QSMTPCLR, ATE0
  | "read" // AT+CPIN?
  | "write"; // AT+QSMTPDST=1,1,"a@b.c"

/**
 * One EC20 command. `R` is the typed value the parser makes of one information-response line.
 * A command with several forms (AT+QSMTPCFG's write and its query) has one declaration per form.
 */
export interface CommandDecl<R = void> {
  /** What follows "AT": "+QSMTPDST", "E0", "" (plain AT). */
  readonly name: string;
  readonly form: CommandForm;
  /** Write-form arguments in line order. Values are given for every non-key argument, in order. */
  readonly args: readonly ArgSpec[];
  /** Values from this index on (counting values, not keys) may be omitted at the tail. */
  readonly optionalFrom?: number;
  /** Which error table its +CME ERROR codes come from. */
  readonly family: ErrorFamily;
  /** Deadline for the final result (ms), possibly depending on the values (QFUPL/QSMTPBODY timeouts). */
  readonly timeoutMs: number | ((values: readonly ArgValue[]) => number);
  /** Where the timeout comes from. */
  readonly timeoutSource: string;
  /** Information-response prefix, e.g. "+QFLST:". */
  readonly expect?: string;
  /** At most this many information lines are kept (bounded memory); later ones are counted, not kept. */
  readonly maxInfoLines?: number;
  /** Turns one information line into a typed value; undefined when the line is malformed. */
  readonly parse?: (line: LineView) => R | undefined;
  /** The command enters data mode after CONNECT. */
  readonly dataPhase?: boolean;
  /** After OK, a final result arrives as a URC with this prefix. */
  readonly finalUrc?: { readonly prefix: string; readonly timeoutMs: number | ((values: readonly ArgValue[]) => number) };
}

/** An argument failed its declared limit; nothing was sent. */
export class ArgumentError extends Error {
  /** e.g. "AT+QSMTPDST" */
  readonly command: string;
  /** The manual's parameter name, e.g. "emailaddr". */
  readonly argument: string;
  readonly rule: LimitRule;
  /** The limit broken (bytes, max value or item count), when it is a number. */
  readonly limit: number;
  constructor(command: string, argument: string, rule: LimitRule, limit: number, detail: string) {
    super(`AT${command} <${argument}>: ${detail}`);
    this.name = "ArgumentError";
    this.command = "AT" + command;
    this.argument = argument;
    this.rule = rule;
    this.limit = limit;
  }
}

/** Declares a command (freezes it, so tables can be preloaded to flash on XS). */
export function declare<R = void>(decl: CommandDecl<R>): CommandDecl<R> {
  return Object.freeze(decl);
}

export const key = (text: string): ArgSpec => ({ kind: "key", text });
export const int = (name: string, min: number, max: number): ArgSpec => ({ kind: "int", name, min, max });
export const str = (name: string, maxBytes: number, minBytes = 0, secret = false): ArgSpec =>
  ({ kind: "string", name, minBytes, maxBytes, secret });
export const secret = (name: string, maxBytes: number): ArgSpec => str(name, maxBytes, 0, true);

/**
 * Why `text` cannot go inside an AT quoted string, or undefined when it can. The EC20 has no escape
 * for a quote inside a string, and some AT parsers read `\` as an escape, so both are refused with
 * control bytes and everything outside printable ASCII.
 */
export function atStringProblem(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return `a double quote at ${i}`;
    if (c === 0x5c) return `a backslash at ${i}`;
    if (c < 0x20 || c === 0x7f) return `control character 0x${c.toString(16)} at ${i}`;
    if (c > 0x7e) return `non-ASCII character U+${c.toString(16).toUpperCase()} at ${i}`;
  }
  return undefined;
}

const MASK = "***";

/** The command line and its masked trace form; throws ArgumentError when a value breaks a limit. */
export function formatLine(decl: CommandDecl<unknown>, values: readonly ArgValue[]): { line: string; traceAs: string } {
  if (decl.form === "exec") return both("AT" + decl.name);
  if (decl.form === "read") return both("AT" + decl.name + "?");
  const parts: string[] = [];
  const masked: string[] = [];
  let anySecret = false;
  let v = 0;
  const required = decl.optionalFrom ?? Infinity;
  for (const spec of decl.args) {
    if (spec.kind === "key") {
      parts.push('"' + spec.text + '"');
      masked.push('"' + spec.text + '"');
      continue;
    }
    if (v >= values.length) {
      if (v >= required) break; // the rest are omitted together
      throw new ArgumentError(decl.name, spec.name, "required", 0, "missing");
    }
    const text = formatArg(decl.name, spec, values[v++]);
    parts.push(text);
    const isSecret = spec.kind === "string" && spec.secret === true;
    anySecret ||= isSecret;
    masked.push(isSecret ? '"' + MASK + '"' : text);
  }
  if (v < values.length) throw new ArgumentError(decl.name, "(extra)", "count", v, `${values.length - v} value(s) too many`);
  const line = "AT" + decl.name + "=" + parts.join(",");
  return { line, traceAs: anySecret ? "AT" + decl.name + "=" + masked.join(",") : line };
}

function both(line: string): { line: string; traceAs: string } {
  return { line, traceAs: line };
}

function formatArg(command: string, spec: Exclude<ArgSpec, { kind: "key" }>, value: ArgValue): string {
  const fail = (rule: LimitRule, limit: number, detail: string): never => {
    throw new ArgumentError(command, spec.name, rule, limit, detail);
  };
  switch (spec.kind) {
    case "int":
    case "hex-int":
      if (typeof value !== "number" || !Number.isInteger(value)) return fail("range", spec.max, "not an integer");
      if (value < spec.min || value > spec.max) return fail("range", value < spec.min ? spec.min : spec.max, `${value} is outside ${spec.min}-${spec.max}`);
      return spec.kind === "int" ? String(value) : "0x" + value.toString(16).toUpperCase();
    case "choice":
      if (typeof value !== "number" || spec.values.indexOf(value) < 0) return fail("range", 0, `${value} is not one of ${spec.values.join(", ")}`);
      return String(value);
    case "word":
      if (typeof value !== "string" || spec.values.indexOf(value) < 0) return fail("range", 0, `"${value}" is not one of ${spec.values.join(", ")}`);
      return '"' + value + '"';
    case "string": {
      if (typeof value !== "string") return fail("required", 0, "not a string");
      const problem = atStringProblem(value);
      if (problem) return fail("unsafe-char", 0, spec.secret ? "contains a character that cannot be sent" : problem);
      // Printable ASCII: characters are bytes.
      if (value.length > spec.maxBytes) return fail("max-bytes", spec.maxBytes, `${value.length} bytes, at most ${spec.maxBytes}`);
      if (value.length < spec.minBytes) return fail("required", spec.minBytes, `at least ${spec.minBytes} byte(s)`);
      return '"' + value + '"';
    }
    case "hex-string": {
      if (typeof value !== "string") return fail("required", 0, "not a string");
      if (value.length > spec.maxDigits) return fail("max-bytes", spec.maxDigits, `${value.length} hex digits, at most ${spec.maxDigits}`);
      if (value.length % 2 !== 0 || !/^[0-9A-F]*$/.test(value)) return fail("syntax", 0, "not an even number of uppercase hex digits");
      return '"' + value + '"';
    }
  }
}

/** The AtCommand for a declaration and values (without onInfo, data or awaitUrc: runners add those). */
export function buildCommand(decl: CommandDecl<unknown>, values: readonly ArgValue[] = []): AtCommand {
  const { line, traceAs } = formatLine(decl, values);
  const timeoutMs = typeof decl.timeoutMs === "number" ? decl.timeoutMs : decl.timeoutMs(values);
  const command: AtCommand = { line, timeoutMs, traceAs };
  if (decl.expect !== undefined) command.expect = decl.expect;
  return command;
}

/** The longest line a declaration can produce (for checking it against the channel's line buffer). */
export function maxLineLength(decl: CommandDecl<unknown>): number {
  const head = 2 + decl.name.length;
  if (decl.form === "exec") return head;
  if (decl.form === "read") return head + 1;
  let length = head + 1 + Math.max(0, decl.args.length - 1); // "=" and the commas
  for (const spec of decl.args) {
    switch (spec.kind) {
      case "key": length += spec.text.length + 2; break;
      case "int": length += Math.max(String(spec.min).length, String(spec.max).length); break;
      case "choice": length += Math.max(...spec.values.map((v) => String(v).length)); break;
      case "hex-int": length += 2 + spec.max.toString(16).length; break;
      case "string": length += spec.maxBytes + 2; break;
      case "hex-string": length += spec.maxDigits + 2; break;
      case "word": length += Math.max(...spec.values.map((v) => v.length)) + 2; break;
    }
  }
  return length;
}
