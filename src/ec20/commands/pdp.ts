// Declarations and typed functions of the PDP context (TCP/IP manual, facts 3): AT+QICSGP, AT+QIACT,
// AT+QIDEACT, AT+QIDNSCFG. Errors come from the TCP/IP table (550-574); QIACT may give a bare ERROR.

import { CONTEXT_ID } from "../limits";
import { declare, int, secret, str } from "./declare";
import { allInts, execute, queryList, queryOne } from "./run";
import type { CommandChannel } from "./run";
import { PDP_ACTIVATE_MS, PDP_DEACTIVATE_MS, QUICK_MS } from "./timeouts";

/** 3GPP TS 23.003 9.1: an APN is at most 100 octets. */
export const APN_MAX_BYTES = 100;
/** PDP user name and password: the TCP/IP manual gives no maximum ([U]). 64 bytes each keeps the
 *  longest AT+QICSGP line (253 bytes) within the channel's 256-byte line buffer (src/at/channel.ts). */
export const PDP_CREDENTIAL_MAX_BYTES = 64;

const cid = () => int("contextID", CONTEXT_ID.min, CONTEXT_ID.max);

/** `AT+QICSGP=<cid>,<type>,"<apn>","<user>","<pwd>",<auth>`; user and password masked in traces.
 *  A write rewrites every field (facts 3), so all are always sent. */
export const QICSGP_WRITE = declare({
  name: "+QICSGP", form: "write",
  args: [cid(), int("context_type", 1, 3), str("APN", APN_MAX_BYTES), secret("username", PDP_CREDENTIAL_MAX_BYTES),
    secret("password", PDP_CREDENTIAL_MAX_BYTES), int("authentication", 0, 3)],
  family: "tcpip", timeoutMs: QUICK_MS, timeoutSource: "QUICK_MS",
});

export interface PdpConfig {
  /** 1 IPv4, 2 IPv6, 3 IPv4v6. */
  contextType: number;
  apn: string;
  /** 0 none, 1 PAP, 2 CHAP, 3 PAP or CHAP. */
  authentication: number;
  /** Whether a user name or password is set (the values themselves are not kept: they are credentials). */
  hasCredentials: boolean;
}
/** `AT+QICSGP=<cid>` -> `+QICSGP: 1,"UNINET","","",1` (the first field is the type, facts 3). */
export const QICSGP_READ = declare<PdpConfig>({
  name: "+QICSGP", form: "write", args: [cid()], family: "tcpip", timeoutMs: QUICK_MS, timeoutSource: "QUICK_MS",
  expect: "+QICSGP:",
  parse: (line) => {
    const contextType = line.int(0);
    const authentication = line.int(4);
    if (!allInts(contextType, authentication)) return undefined;
    return { contextType, apn: line.str(1), authentication, hasCredentials: line.str(2) !== "" || line.str(3) !== "" };
  },
});

/** `AT+QIACT=<cid>`: OK or (often bare) ERROR; up to 150 s. */
export const QIACT_WRITE = declare({
  name: "+QIACT", form: "write", args: [cid()], family: "tcpip", timeoutMs: PDP_ACTIVATE_MS, timeoutSource: "PDP_ACTIVATE_MS",
});

export interface ActiveContext {
  contextId: number;
  /** 1 = activated. */
  state: number;
  /** 1 IPv4, 2 IPv6, 3 IPv4v6. */
  contextType: number;
  address: string;
}
/** `AT+QIACT?` -> one `+QIACT: 1,1,1,"10.7.157.1"` per active context (none: bare OK). */
export const QIACT_READ = declare<ActiveContext>({
  name: "+QIACT", form: "read", args: [], family: "tcpip", timeoutMs: QUICK_MS, timeoutSource: "QUICK_MS",
  expect: "+QIACT:", maxInfoLines: CONTEXT_ID.max,
  parse: (line) => {
    const contextId = line.int(0);
    const state = line.int(1);
    const contextType = line.int(2);
    if (!allInts(contextId, state, contextType)) return undefined;
    return { contextId, state, contextType, address: line.str(3) };
  },
});

/** `AT+QIDEACT=<cid>`: up to 40 s. */
export const QIDEACT = declare({
  name: "+QIDEACT", form: "write", args: [cid()], family: "tcpip", timeoutMs: PDP_DEACTIVATE_MS, timeoutSource: "PDP_DEACTIVATE_MS",
});

export interface DnsServers {
  contextId: number;
  primary: string;
  secondary: string;
}
/** `AT+QIDNSCFG=<cid>` (the query form; there is no `?` form) -> `+QIDNSCFG: 1,"8.8.8.8","8.8.4.4"`. */
export const QIDNSCFG_READ = declare<DnsServers>({
  name: "+QIDNSCFG", form: "write", args: [cid()], family: "tcpip", timeoutMs: QUICK_MS, timeoutSource: "QUICK_MS",
  expect: "+QIDNSCFG:",
  parse: (line) => {
    const contextId = line.int(0);
    if (!allInts(contextId)) return undefined;
    return { contextId, primary: line.str(1), secondary: line.str(2) };
  },
});
/** `AT+QIDNSCFG=<cid>,"<pri>"[,"<sec>"]`: an IPv6 text address is at most 45 bytes. */
export const QIDNSCFG_WRITE = declare({
  name: "+QIDNSCFG", form: "write", args: [cid(), str("pridnsaddr", 45, 1), str("secdnsaddr", 45, 1)], optionalFrom: 2,
  family: "tcpip", timeoutMs: QUICK_MS, timeoutSource: "QUICK_MS",
});

export interface PdpSettings {
  contextId: number;
  contextType?: 1 | 2 | 3;
  apn: string;
  username?: string;
  password?: string;
  authentication?: 0 | 1 | 2 | 3;
}
export const configurePdp = (ch: CommandChannel, s: PdpSettings) =>
  execute(ch, QICSGP_WRITE, [s.contextId, s.contextType ?? 1, s.apn, s.username ?? "", s.password ?? "", s.authentication ?? 0]);
export const readPdpConfig = (ch: CommandChannel, contextId: number) => queryOne(ch, QICSGP_READ, [contextId]);
export const activatePdp = (ch: CommandChannel, contextId: number) => execute(ch, QIACT_WRITE, [contextId]);
export const deactivatePdp = (ch: CommandChannel, contextId: number) => execute(ch, QIDEACT, [contextId]);
/** The active contexts (at most 16, the number of context ids). */
export async function listActiveContexts(ch: CommandChannel): Promise<ActiveContext[]> {
  return (await queryList(ch, QIACT_READ)).items;
}
export const readDnsServers = (ch: CommandChannel, contextId: number) => queryOne(ch, QIDNSCFG_READ, [contextId]);
export const setDnsServers = (ch: CommandChannel, contextId: number, primary: string, secondary?: string) =>
  execute(ch, QIDNSCFG_WRITE, secondary === undefined ? [contextId, primary] : [contextId, primary, secondary]);
