// Response framing per ATV and AT+CMEE (AT manual §1.4, §2.23; facts §5): with ATV1 an information
// block is `\r\n<lines>\r\n` and the result `\r\n<code>\r\n`; with ATV0 lines end in `\r\n` and
// results are numeric (`0\r` OK, `1\r` CONNECT, `4\r` ERROR).
import { cmeText, type FinalResult } from "./reply";

export interface FramingSettings {
  verbose: boolean;
  cmee: 0 | 1 | 2;
}

function resultText(result: FinalResult, cmee: 0 | 1 | 2): string {
  if (result.kind === "ok") return "OK";
  if (result.kind === "error" || cmee === 0) return "ERROR";
  if (cmee === 2 && cmeText[result.code]) return `+CME ERROR: ${cmeText[result.code]}`;
  return `+CME ERROR: ${result.code}`;
}

export function formatResponse(lines: string[], result: FinalResult, settings: FramingSettings): string {
  const code = resultText(result, settings.cmee);
  if (!settings.verbose) {
    const numeric = result.kind === "ok" ? "0\r" : code === "ERROR" ? "4\r" : `${code}\r\n`;
    return lines.map((l) => `${l}\r\n`).join("") + numeric;
  }
  const info = lines.length ? `\r\n${lines.join("\r\n")}\r\n` : "";
  return `${info}\r\n${code}\r\n`;
}

/** A URC or other unsolicited line. */
export function formatLine(text: string, verbose: boolean): string {
  return verbose ? `\r\n${text}\r\n` : `${text}\r\n`;
}

export function formatConnect(verbose: boolean): string {
  return verbose ? "\r\nCONNECT\r\n" : "1\r";
}
