// The doctor's checks of the modem itself, one function per step, each returning a verdict with the
// evidence (the modem's own answer), the manual's meaning of any error code, and a hint. None of them
// throws for a modem failure: the caller prints the verdict and decides whether to go on.

import { isIP } from "node:net";
import type { CommandChannel } from "../../../src/ec20/commands/run";
import {
  attachPacketDomain, readAttached, readEpsRegistration, readModemClock, readPsRegistration, readSignalQuality, readSimState,
  type Registration,
} from "../../../src/ec20/commands/general";
import { EARLIEST_NETWORK_TIME } from "../../../src/app/wake";
import {
  activatePdp, configurePdp, listActiveContexts, readDnsServers, readPdpConfig, type PdpSettings,
} from "../../../src/ec20/commands/pdp";
import { ModemError } from "../../../src/ec20/errors";
import { delay } from "../../../src/mailer/wait";
import { nodeClock } from "../clock";
import { EXIT } from "./exit-codes";

export type Verdict = "PASS" | "WARN" | "FAIL" | "SKIP";

export interface StepResult {
  verdict: Verdict;
  detail: string;
  /** The manual's meaning of the code that failed, e.g. "+CME ERROR: 10 = SIM not inserted". */
  meaning?: string;
  hint?: string;
  /** Exit code when this step fails. */
  exit?: number;
}

/** The command, its code with the manual's meaning, the retry class and why, for the meaning line. */
export function meaningOf(error: ModemError): string {
  const code = error.code ? `${error.kind === "cme" ? "+CME ERROR: " : ""}${error.code} = ` : "";
  return `${error.command}: ${code}${error.meaning} (${error.retry}: ${error.reason})`;
}

function failed(error: unknown, detail: string, hint: string, exit: number): StepResult {
  if (!(error instanceof ModemError)) throw error;
  return { verdict: "FAIL", detail, meaning: meaningOf(error), hint, exit };
}

/** AT+CPIN?: READY, or what blocks the SIM. Polls while the SIM is busy (CME 14) after power-up. */
export async function checkSim(ch: CommandChannel, timeoutMs: number): Promise<StepResult> {
  const deadline = nodeClock.now() + timeoutMs;
  for (;;) {
    try {
      const state = await readSimState(ch);
      if (state === "READY") return { verdict: "PASS", detail: "+CPIN: READY" };
      return {
        verdict: "FAIL", detail: `+CPIN: ${state}`, exit: EXIT.NETWORK,
        hint: state === "SIM PIN" ? "the SIM wants its PIN: remove the PIN lock (in a phone) or enter it with AT+CPIN=<pin>" : "the SIM is locked or blocked: fix it in a phone first",
      };
    } catch (error) {
      const busy = error instanceof ModemError && error.code === 14;
      if (!busy || nodeClock.now() >= deadline) {
        return failed(error, "AT+CPIN? failed", "insert the SIM (contacts down, power off first) and check it in a phone (manual 1.4.1)", EXIT.NETWORK);
      }
      await delay(nodeClock, 1000);
    }
  }
}

const STAT_TEXT = ["not registered, not searching", "registered, home network", "searching", "registration denied", "unknown", "registered, roaming"];
const statText = (r: Registration) => STAT_TEXT[r.stat] ?? `stat ${r.stat}`;

/** AT+CEREG? (LTE) and AT+CGREG? (2G/3G packet domain), polled while searching. */
export async function checkRegistration(ch: CommandChannel, timeoutMs: number): Promise<StepResult> {
  const deadline = nodeClock.now() + timeoutMs;
  for (;;) {
    let eps: Registration;
    let ps: Registration;
    try {
      eps = await readEpsRegistration(ch);
      ps = await readPsRegistration(ch);
    } catch (error) {
      return failed(error, "reading the registration failed", "check the SIM and antenna", EXIT.NETWORK);
    }
    const detail = `+CEREG: ${eps.mode},${eps.stat} (LTE: ${statText(eps)}); +CGREG: ${ps.mode},${ps.stat} (2G/3G: ${statText(ps)})`;
    if (eps.registered || ps.registered) return { verdict: "PASS", detail };
    if (eps.stat === 3 && ps.stat === 3) {
      return { verdict: "FAIL", detail, exit: EXIT.NETWORK, hint: "the network refused the SIM: check that the subscription is active and allows data (and roaming, abroad)" };
    }
    if (nodeClock.now() >= deadline) {
      return {
        verdict: "FAIL", detail: `${detail}, after ${Math.round(timeoutMs / 1000)} s`, exit: EXIT.NETWORK,
        hint: "not registered: check the antenna, the coverage and that the SIM's operator is reachable here (AT+COPS=? lists networks)",
      };
    }
    await delay(nodeClock, 1000);
  }
}

/** AT+CSQ with its dBm figure (27.007: -113 + 2 x rssi). */
export async function checkSignal(ch: CommandChannel): Promise<StepResult> {
  try {
    const q = await readSignalQuality(ch);
    const raw = `+CSQ: ${q.rssi},${q.ber}`;
    if (q.dbm === undefined) return { verdict: "WARN", detail: `${raw} (not known or not detectable)`, hint: "no measurement yet, or no signal: check the antenna" };
    const text = `${raw} = ${q.dbm} dBm`;
    if (q.dbm >= -83) return { verdict: "PASS", detail: `${text} (good)` };
    if (q.dbm >= -93) return { verdict: "PASS", detail: `${text} (fair)` };
    return { verdict: "WARN", detail: `${text} (weak)`, hint: "expect slow uploads and retries: move or improve the antenna (below -93 dBm)" };
  } catch (error) {
    return failed(error, "AT+CSQ failed", "the module did not report signal quality", EXIT.NETWORK);
  }
}

/** AT+CCLK?: whether the modem has the network's time, which a device sets its clock from after a power loss. */
export async function checkNetworkTime(ch: CommandChannel): Promise<StepResult> {
  const hint = "a device that loses power keeps 1970 dates until the modem has the network's time: it needs NITZ from the network and the modem's automatic update on (AT+CTZU=1)";
  try {
    const clock = await readModemClock(ch);
    const utc = new Date(clock.utcSeconds * 1000).toISOString().replace(".000Z", "Z");
    const q = Math.abs(clock.zoneQuarters);
    const zone = `UTC${clock.zoneQuarters < 0 ? "-" : "+"}${String(Math.floor(q / 4)).padStart(2, "0")}:${String((q % 4) * 15).padStart(2, "0")}`;
    if (clock.utcSeconds >= EARLIEST_NETWORK_TIME) return { verdict: "PASS", detail: `+CCLK: ${utc} (${zone}): the modem has the network's time` };
    return { verdict: "WARN", detail: `+CCLK: ${utc}: not set by the network`, hint };
  } catch (error) {
    if (!(error instanceof ModemError)) throw error;
    return { verdict: "WARN", detail: "AT+CCLK? gave no usable time", meaning: meaningOf(error), hint };
  }
}

/** Reuses an active context or configures (AT+QICSGP), attaches and activates (AT+QIACT) it; reports the IP. */
export async function checkPdp(ch: CommandChannel, pdp: PdpSettings): Promise<StepResult> {
  const id = pdp.contextId;
  try {
    const active = (await listActiveContexts(ch)).find((c) => c.contextId === id && c.state === 1);
    if (active) return { verdict: "PASS", detail: `context ${id} already active (reused), IP ${active.address}` };
  } catch (error) {
    return failed(error, "AT+QIACT? failed", "the module could not list its contexts", EXIT.NETWORK);
  }
  let apnNote = "";
  try {
    const current = await readPdpConfig(ch, id);
    const wantsCredentials = Boolean(pdp.username || pdp.password);
    if (current.apn !== pdp.apn || current.contextType !== (pdp.contextType ?? 1) || current.authentication !== (pdp.authentication ?? 0) || current.hasCredentials !== wantsCredentials || wantsCredentials) {
      await configurePdp(ch, pdp);
      apnNote = `APN "${pdp.apn}" set`;
    } else {
      apnNote = `APN "${pdp.apn}" already set`;
    }
    if (!(await readAttached(ch))) await attachPacketDomain(ch);
  } catch (error) {
    return failed(error, "setting up the context failed", "check --apn (your operator's APN) and --apn-user/--apn-auth", EXIT.NETWORK);
  }
  try {
    await activatePdp(ch, id);
  } catch (error) {
    return failed(error, `AT+QIACT=${id} failed (${apnNote})`,
      "the network refused the data connection: check the APN and its user/password with your operator, and AT+CGATT? (manual 1.4.2)", EXIT.NETWORK);
  }
  try {
    const active = (await listActiveContexts(ch)).find((c) => c.contextId === id);
    return { verdict: "PASS", detail: `context ${id} activated (${apnNote}), IP ${active ? active.address : "not listed"}` };
  } catch (error) {
    return failed(error, "AT+QIACT? failed after activation", "the module could not list its contexts", EXIT.NETWORK);
  }
}

/** AT+QIDNSCFG=<cid>: the DNS servers the context uses (what the SMTP client resolves names with). */
export async function readDns(ch: CommandChannel, contextId: number): Promise<{ servers?: string; error?: string }> {
  try {
    const dns = await readDnsServers(ch, contextId);
    return { servers: `${dns.primary}${dns.secondary ? `, ${dns.secondary}` : ""}` };
  } catch (error) {
    if (!(error instanceof ModemError)) throw error;
    return { error: meaningOf(error) };
  }
}

export const isIpAddress = (host: string) => isIP(host) !== 0;
