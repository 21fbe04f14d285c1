// Scripted faults: an error code or silence on the Nth use of a command, a reboot, the PDP context
// dropped, garbage or URC noise, and bytes lost or corrupted on either wire. Built from test code or
// from the CLI's `--fault` strings (see parseFault).
import type { Direction, WireFilter } from "./uart";

export type Fault =
  /** Answer the Nth use of `command` with `+CME ERROR: code` (per CMEE), or a bare ERROR without a code. */
  | { kind: "error"; command: string; nth: number; code?: number }
  /** Never answer the Nth use of `command`. */
  | { kind: "silent"; command: string; nth: number }
  /** The Nth AT+QSMTPPUT runs (the server gets the email) but its `+QSMTPPUT:` result line is lost. */
  | { kind: "lose-result"; command: string; nth: number }
  /** The Nth use of `command` hangs the modem; from then on it answers nothing: "escape" = it sits in
   *  data mode (no CONNECT) until `+++` (then OK); "reset" = deaf until RESET_N (a reboot) or a power
   *  cycle; "power" = deaf, and RESET_N does not help either, until the power is cut. */
  | { kind: "hang"; command: string; nth: number; until: "escape" | "reset" | "power" }
  /** Reboot (state lost, RDY again) at a modelled time after power-on, or instead of answering a command. */
  | { kind: "reboot"; command?: string; nth?: number; atMs?: number }
  /** The network drops the context: `+QIURC: "pdpdeact",<cid>`; `delayMs` after the command's answer. */
  | { kind: "pdpdeact"; command?: string; nth?: number; atMs?: number; delayMs?: number; cid?: number }
  /** Raw bytes sent to the host at a time or before a command's answer. */
  | { kind: "garbage"; command?: string; nth?: number; atMs?: number; text: string }
  /** A URC line between the echo and the final result of the Nth use of `command`. */
  | { kind: "noise"; command: string; nth: number; text: string }
  /** Bytes `offset`..`offset+count-1` of a wire are lost or corrupted. */
  | { kind: "lose" | "corrupt"; direction: Direction; offset: number; count: number };

/** "AT+QSMTPPUT", "+QSMTPPUT" and "QSMTPPUT" all name "+QSMTPPUT"; "ATE" names "E"; "AT" names "". */
export function commandKey(name: string): string {
  let key = name.trim().toUpperCase().replace(/[=?].*$/, "");
  if (key.startsWith("+")) return key;
  if (key.startsWith("AT")) key = key.slice(2);
  if (key.startsWith("+") || key.length <= 1 || key.startsWith("&")) return key;
  return `+${key}`;
}

export class FaultPlan {
  readonly #faults: Fault[];
  readonly #uses = new Map<string, number>();

  constructor(faults: Fault[] = []) {
    this.#faults = [...faults];
  }

  add(fault: Fault): void {
    this.#faults.push(fault);
  }

  /** Counts one use of the command and returns the faults that fire on it. */
  onCommand(name: string): Fault[] {
    const key = commandKey(name);
    const use = (this.#uses.get(key) ?? 0) + 1;
    this.#uses.set(key, use);
    return this.#faults.filter((f) => "command" in f && f.command !== undefined && commandKey(f.command) === key && (f.nth ?? 1) === use);
  }

  /** Faults scheduled at a modelled time after power-on. */
  timed(): Fault[] {
    return this.#faults.filter((f) => "atMs" in f && f.atMs !== undefined && !("command" in f && f.command !== undefined));
  }

  /** A power cycle restarts the timed faults but not the command counts (a fault fires once). */
  readonly filter: WireFilter = (direction, bytes, offset) => {
    let out = bytes;
    for (const f of this.#faults) {
      if ((f.kind !== "lose" && f.kind !== "corrupt") || f.direction !== direction) continue;
      const from = Math.max(f.offset, offset);
      const to = Math.min(f.offset + f.count, offset + bytes.length);
      if (from >= to) continue;
      if (f.kind === "corrupt") {
        out = out === bytes ? bytes.slice() : out;
        for (let i = from; i < to; i++) out[i - offset] = out[i - offset]! ^ 0x55;
      } else {
        const keep = (index: number) => index + offset < from || index + offset >= to;
        out = Uint8Array.from([...out].filter((_, index) => keep(index)));
      }
    }
    return out;
  };
}

/**
 * `--fault` syntax:
 *   error:QSMTPPUT#2=652   silent:CSQ#1   lose-result:QSMTPPUT#1   hang:CSQ#1=reset (escape | reset | power)   reboot@30000   reboot:QSMTPBODY#1
 *   pdpdeact@20000   pdpdeact:QSMTPPUT#1=500 (ms after the OK)   garbage@5000=text
 *   noise:QSMTPDST#1=+CREG: 0,1   lose:toHost@120x3   corrupt:toModem@10x2
 * Times are modelled ms (scaled by the time factor).
 */
export function parseFault(spec: string): Fault {
  const match = /^(\w+)(?::([^#@=]+)(?:#(\d+))?)?(?:@(\d+)(?:x(\d+))?)?(?:=(.*))?$/.exec(spec.trim());
  if (!match) throw new Error(`bad fault: ${spec}`);
  const [, kind, target, nthText, atText, countText, arg] = match;
  const nth = nthText ? Number(nthText) : 1;
  const at = atText !== undefined ? Number(atText) : undefined;
  const byCommand = target ? { command: target, nth } : undefined;
  const trigger = byCommand ?? (at !== undefined ? { atMs: at } : undefined);
  switch (kind) {
    case "error":
      if (!byCommand) break;
      return arg ? { kind, ...byCommand, code: Number(arg) } : { kind, ...byCommand };
    case "silent":
    case "lose-result":
      if (!byCommand) break;
      return { kind, ...byCommand };
    case "hang":
      if (!byCommand || (arg !== "escape" && arg !== "reset" && arg !== "power")) break;
      return { kind, ...byCommand, until: arg };
    case "noise":
      if (!byCommand || arg === undefined) break;
      return { kind, ...byCommand, text: arg };
    case "reboot":
      if (!trigger) break;
      return { kind, ...trigger };
    case "pdpdeact":
      if (!trigger) break;
      return arg !== undefined ? { kind, ...trigger, delayMs: Number(arg) } : { kind, ...trigger };
    case "garbage":
      if (!trigger || arg === undefined) break;
      return { kind, ...trigger, text: arg };
    case "lose":
    case "corrupt":
      if ((target !== "toHost" && target !== "toModem") || at === undefined) break;
      return { kind, direction: target, offset: at, count: countText ? Number(countText) : 1 };
  }
  throw new Error(`bad fault: ${spec}`);
}
