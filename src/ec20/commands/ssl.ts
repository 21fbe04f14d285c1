// Declarations and typed functions of the TLS context settings (AT+QSSLCFG, facts 2) used by SMTP over
// SSL or STARTTLS: one declaration per key, each with its range; one read-back per key.

import type { LineView } from "../../at/types";
import { FILE_NAME_MAX_BYTES, SSL_CONTEXT_ID } from "../limits";
import { declare, formatLine, int, key, str } from "./declare";
import type { ArgSpec, CommandDecl } from "./declare";
import { execute, queryOne } from "./run";
import type { CommandChannel } from "./run";
import { QUICK_MS } from "./timeouts";

export type SslKey = "sslversion" | "ciphersuite" | "seclevel" | "cacert" | "sni" | "negotiatetime" | "ignorelocaltime";

const ctx = () => int("sslctxID", SSL_CONTEXT_ID.min, SSL_CONTEXT_ID.max);

/** The value argument of each key, with the ranges of the EG25-G test response (facts 2). */
const VALUE: Readonly<Record<SslKey, ArgSpec>> = Object.freeze({
  /** 0 SSL3.0, 1 TLS1.0, 2 TLS1.1, 3 TLS1.2, 4 all. */
  sslversion: int("sslversion", 0, 4),
  /** 0xFFFF = all; otherwise one IANA suite number such as 0xC02F. Sent as 0x-hex, as in manual 3.2. */
  ciphersuite: { kind: "hex-int", name: "ciphersuites", min: 0, max: 0xffff },
  /** 0 no authentication, 1 verify the server, 2 also client authentication. */
  seclevel: int("seclevel", 0, 2),
  /** A UFS file name uploaded with AT+QFUPL. */
  cacert: str("cacertpath", FILE_NAME_MAX_BYTES, 1),
  sni: int("sni", 0, 1),
  negotiatetime: int("negotiate_time", 10, 300),
  ignorelocaltime: int("ignorelocaltime", 0, 1),
});

function writeDecl(name: SslKey): CommandDecl {
  return declare({
    name: "+QSSLCFG", form: "write", args: [key(name), ctx(), VALUE[name]], family: "tcpip",
    timeoutMs: QUICK_MS, timeoutSource: "QUICK_MS ([U]: the SSL manual's figure is not at hand)",
  });
}

/** A read-back value: a number for numeric keys, the path for cacert. */
export type SslValue = number | string;

function readDecl(name: SslKey): CommandDecl<SslValue> {
  const numeric = name !== "cacert";
  return declare<SslValue>({
    name: "+QSSLCFG", form: "write", args: [key(name), ctx()], family: "tcpip",
    timeoutMs: QUICK_MS, timeoutSource: "QUICK_MS", expect: "+QSSLCFG:",
    parse: (line: LineView) => {
      if (line.str(0) !== name) return undefined;
      if (!numeric) return line.str(2);
      // The ciphersuite reads back as 0XFFFF (facts 2); LineView.hex takes the 0x/0X prefix.
      const value = name === "ciphersuite" ? line.hex(2) : line.int(2);
      return Number.isInteger(value) ? value : undefined;
    },
  });
}

const KEYS: readonly SslKey[] = ["sslversion", "ciphersuite", "seclevel", "cacert", "sni", "negotiatetime", "ignorelocaltime"];

/** `AT+QSSLCFG="<key>",<ctx>,<value>` per key. */
export const QSSLCFG_WRITE: Readonly<Record<SslKey, CommandDecl>> = Object.freeze(
  Object.fromEntries(KEYS.map((k) => [k, writeDecl(k)])) as Record<SslKey, CommandDecl>,
);
/** `AT+QSSLCFG="<key>",<ctx>` -> `+QSSLCFG: "<key>",<ctx>,<value>` per key. */
export const QSSLCFG_READ: Readonly<Record<SslKey, CommandDecl<SslValue>>> = Object.freeze(
  Object.fromEntries(KEYS.map((k) => [k, readDecl(k)])) as Record<SslKey, CommandDecl<SslValue>>,
);

export function setSslOption(ch: CommandChannel, name: SslKey, contextId: number, value: number | string): Promise<void> {
  return execute(ch, QSSLCFG_WRITE[name], [contextId, value]);
}
export function readSslOption(ch: CommandChannel, name: SslKey, contextId: number): Promise<SslValue> {
  return queryOne(ch, QSSLCFG_READ[name], [contextId]);
}

export interface SslSettings {
  contextId: number;
  sslVersion?: number;
  cipherSuite?: number;
  secLevel?: number;
  caCert?: string;
  sni?: 0 | 1;
  negotiateTimeS?: number;
  ignoreLocalTime?: 0 | 1;
}

/** Applies the given settings in a fixed order; every value is checked before the first command. */
export async function configureSsl(ch: CommandChannel, s: SslSettings): Promise<void> {
  const steps: [SslKey, number | string | undefined][] = [
    ["sslversion", s.sslVersion], ["ciphersuite", s.cipherSuite], ["seclevel", s.secLevel], ["cacert", s.caCert],
    ["sni", s.sni], ["negotiatetime", s.negotiateTimeS], ["ignorelocaltime", s.ignoreLocalTime],
  ];
  const commands = steps.filter(([, v]) => v !== undefined);
  // Format everything first so a bad value fails before any AT traffic.
  for (const [k, v] of commands) formatLine(QSSLCFG_WRITE[k], [s.contextId, v as number | string]);
  for (const [k, v] of commands) await setSslOption(ch, k, s.contextId, v as number | string);
}
