// PDP context commands of the TCP/IP manual: AT+QICSGP, AT+QIACT, AT+QIDEACT, AT+QIDNSCFG.
import { intParam, strParam, type Param } from "../at-line";
import { error, ok } from "../reply";
import type { PdpProfile } from "../state";
import type { CommandContext, CommandTable } from "./context";

/** What the operator's network hands out with the context (documentation addresses, RFC 5737). */
const DEFAULT_DNS: [string, string] = ["192.0.2.53", "198.51.100.53"];

const UNCONFIGURED: PdpProfile = { type: 1, apn: "", user: "", password: "", auth: 0 };

/** The address a context gets: the manual's example for cid 1. */
export function pdpAddress(cid: number): string {
  return `10.7.157.${cid}`;
}

function quoted(p: Param | undefined): string | undefined {
  return p?.quoted ? p.text : undefined;
}

/**
 * `<cid>,<type>,"<apn>"[,"<user>","<pwd>"[,<auth>]]`. The manual's own example omits the password
 * (`1,1,"UNINET","",1`); a number in the password's place is taken as <auth> with an empty password.
 * A write rewrites every field, so an omitted password is blanked.
 */
function parseProfile(params: Param[]): PdpProfile | undefined {
  const type = intParam(params[1], 1, 3);
  const apn = quoted(params[2]);
  if (type === undefined || apn === undefined || params.length > 6) return undefined;
  const profile: PdpProfile = { type, apn, user: "", password: "", auth: 0 };
  if (params.length === 3) return profile;
  const user = quoted(params[3]);
  if (user === undefined) return undefined;
  profile.user = user;
  if (params.length === 4) return profile;
  if (params.length === 5 && !params[4]!.quoted) {
    const auth = intParam(params[4], 0, 3);
    if (auth === undefined) return undefined;
    return { ...profile, auth };
  }
  const password = quoted(params[4]);
  if (password === undefined) return undefined;
  profile.password = password;
  if (params.length === 6) {
    const auth = intParam(params[5], 0, 3);
    if (auth === undefined) return undefined;
    profile.auth = auth;
  }
  return profile;
}

function ready(context: CommandContext): boolean {
  return context.simPresent && context.registered() && context.state.cgatt === 1;
}

export const pdpCommands: CommandTable = {
  "+QICSGP": (command, context) => {
    if (command.form === "test") return ok(['+QICSGP: (1-16),(1-3),"APN","USERNAME","PASSWORD",(0-3)']);
    if (command.form !== "write") return error();
    const cid = intParam(command.params[0], 1, 16);
    if (cid === undefined) return error();
    if (command.params.length === 1) {
      const p = context.state.pdpProfiles.get(cid) ?? UNCONFIGURED;
      return ok([`+QICSGP: ${p.type},"${p.apn}","${p.user}","${p.password}",${p.auth}`]);
    }
    const profile = parseProfile(command.params);
    if (!profile) return error();
    context.state.pdpProfiles.set(cid, profile);
    return ok();
  },
  "+QIACT": (command, context) => {
    if (command.form === "test") return ok(["+QIACT: (1-16)"]);
    if (command.form === "read") {
      const lines = [...context.state.activePdp].map(([cid, ip]) => {
        const type = context.state.pdpProfiles.get(cid)?.type ?? 1;
        return `+QIACT: ${cid},1,${type},"${ip}"`;
      });
      return ok(lines);
    }
    const cid = intParam(command.params[0], 1, 16);
    if (command.form !== "write" || cid === undefined || command.params.length > 1) return error();
    // A failed activation is a bare ERROR even with CMEE=2 (BG95 transcript).
    if (!ready(context)) return error();
    if (!context.state.activePdp.has(cid) && context.state.activePdp.size >= 3) return error();
    context.state.activePdp.set(cid, pdpAddress(cid));
    return ok();
  },
  // AT+QIDNSCFG=<cid>[,"<pri>"[,"<sec>"]]: the query form answers the servers the network gave
  // (facts 3: +QIDNSCFG: 3,"198.224.186.135","198.224.187.135"); ERROR while the context is inactive.
  "+QIDNSCFG": (command, context) => {
    if (command.form === "test") return ok();
    const cid = intParam(command.params[0], 1, 16);
    if (command.form !== "write" || cid === undefined) return error();
    if (!context.state.activePdp.has(cid)) return error();
    if (command.params.length > 1) {
      const servers = command.params.slice(1).map((p) => strParam(p, 45));
      if (servers.some((server) => server === undefined)) return error();
      context.state.dnsServers.set(cid, [servers[0]!, servers[1] ?? servers[0]!]);
      return ok();
    }
    const [primary, secondary] = context.state.dnsServers.get(cid) ?? DEFAULT_DNS;
    return ok([`+QIDNSCFG: ${cid},"${primary}","${secondary}"`]);
  },
  "+QIDEACT": (command, context) => {
    if (command.form === "test") return ok(["+QIDEACT: (1-16)"]);
    const cid = intParam(command.params[0], 1, 16);
    if (command.form !== "write" || cid === undefined) return error();
    context.state.activePdp.delete(cid);
    return ok();
  },
};
