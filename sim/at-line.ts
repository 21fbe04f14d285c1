// Parses one command line as the modem sees it: `AT` prefix, a basic (`E0`, `&D2`, `I`) or extended
// (`+NAME`) command, its form (exec, test `=?`, read `?`, write `=...`) and comma-separated
// parameters with double-quoted strings. Whitespace outside quotes is tolerated, as the manual's
// examples contain it (`AT+QICSGP=1,1, "UNINET"`).

export type Form = "exec" | "test" | "read" | "write";

export interface Param {
  /** The value: string contents without quotes, or the bare token. "" when omitted. */
  text: string;
  quoted: boolean;
}

export interface ParsedCommand {
  /** "+QSMTPCFG", "E", "&D", "I", or "" for a bare `AT`. Upper case. */
  name: string;
  form: Form;
  params: Param[];
  /** The line as received (without CR). */
  line: string;
}

/** Returns undefined when the line does not start with AT or is malformed (unclosed quote). */
export function parseCommandLine(line: string): ParsedCommand | undefined {
  if (!/^at/i.test(line)) return undefined;
  const rest = line.slice(2);
  if (rest.length === 0) return { name: "", form: "exec", params: [], line };
  if (rest[0] === "+") {
    const match = /^\+[A-Za-z0-9&_]+/.exec(rest);
    if (!match) return undefined;
    const name = match[0].toUpperCase();
    const tail = rest.slice(match[0].length);
    if (tail === "") return { name, form: "exec", params: [], line };
    if (tail === "?") return { name, form: "read", params: [], line };
    if (tail === "=?") return { name, form: "test", params: [], line };
    if (tail[0] !== "=") return undefined;
    const params = splitParams(tail.slice(1));
    if (!params) return undefined;
    return { name, form: "write", params, line };
  }
  // Basic command: one letter (or & plus a letter), an optional number, or `?` / `=?` forms.
  const match = /^(&?[A-Za-z])(\d*)(\?|=\?|=\d+)?$/.exec(rest);
  if (!match) return undefined;
  const name = match[1]!.toUpperCase();
  const digits = match[2] ?? "";
  const suffix = match[3] ?? "";
  if (suffix === "?") return { name, form: "read", params: [], line };
  if (suffix === "=?") return { name, form: "test", params: [], line };
  const value = suffix.startsWith("=") ? suffix.slice(1) : digits;
  return { name, form: value === "" ? "exec" : "write", params: value === "" ? [] : [{ text: value, quoted: false }], line };
}

function splitParams(text: string): Param[] | undefined {
  const params: Param[] = [];
  let i = 0;
  for (;;) {
    while (text[i] === " ") i++;
    let param: Param;
    if (text[i] === '"') {
      const close = text.indexOf('"', i + 1);
      if (close < 0) return undefined;
      param = { text: text.slice(i + 1, close), quoted: true };
      i = close + 1;
      while (text[i] === " ") i++;
    } else {
      let end = text.indexOf(",", i);
      if (end < 0) end = text.length;
      param = { text: text.slice(i, end).trim(), quoted: false };
      i = end;
    }
    params.push(param);
    if (i >= text.length) return params;
    if (text[i] !== ",") return undefined;
    i++;
  }
}

/** An integer parameter within [min, max], or undefined (absent, not a number, out of range). */
export function intParam(p: Param | undefined, min: number, max: number): number | undefined {
  if (!p || p.quoted || !/^\d+$/.test(p.text)) return undefined;
  const n = Number(p.text);
  return n >= min && n <= max ? n : undefined;
}

/** A quoted string of at most `max` bytes, or undefined. */
export function strParam(p: Param | undefined, max: number): string | undefined {
  if (!p || !p.quoted) return undefined;
  return Buffer.byteLength(p.text, "latin1") <= max ? p.text : undefined;
}
