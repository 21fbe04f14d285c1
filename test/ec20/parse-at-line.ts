// Test helper: a strict parser for the AT lines WE format (no whitespace, quoted strings without
// escapes). It proves round trips: every accepted value's line parses back to exactly that value.
// Anything a strict modem parser would not split the same way (a quote inside a string, a CR or LF,
// an unterminated quote) makes it throw.

export type AtArg = { quoted: true; text: string } | { quoted: false; text: string };

export interface ParsedAtLine {
  /** "+QSMTPDST", "E0", "" */
  command: string;
  form: "exec" | "read" | "write";
  args: AtArg[];
}

export function parseAtLine(line: string): ParsedAtLine {
  if (!line.startsWith("AT")) throw new Error(`not an AT line: ${JSON.stringify(line)}`);
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) throw new Error(`byte 0x${c.toString(16)} at ${i} in an AT line`);
  }
  const rest = line.slice(2);
  const eq = rest.indexOf("=");
  if (eq < 0) {
    if (rest.endsWith("?")) return { command: rest.slice(0, -1), form: "read", args: [] };
    return { command: rest, form: "exec", args: [] };
  }
  const command = rest.slice(0, eq);
  const tail = rest.slice(eq + 1);
  const args: AtArg[] = [];
  let i = 0;
  for (;;) {
    if (tail[i] === '"') {
      const close = tail.indexOf('"', i + 1);
      if (close < 0) throw new Error(`unterminated quote in ${line}`);
      args.push({ quoted: true, text: tail.slice(i + 1, close) });
      i = close + 1;
    } else {
      let end = tail.indexOf(",", i);
      if (end < 0) end = tail.length;
      const text = tail.slice(i, end);
      if (text.includes('"')) throw new Error(`stray quote in ${line}`);
      args.push({ quoted: false, text });
      i = end;
    }
    if (i === tail.length) break;
    if (tail[i] !== ",") throw new Error(`expected a comma at ${i} in ${line}`);
    i++;
  }
  return { command, form: "write", args };
}

/** The arguments as plain values: quoted ones as strings, bare ones as the text. */
export function argTexts(line: string): string[] {
  return parseAtLine(line).args.map((a) => a.text);
}
