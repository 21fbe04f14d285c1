// General commands of the EC20 AT manual: AT, ATE, ATV, ATI, AT+CMEE, SIM and network status,
// AT+IPR, AT&D, AT+QURCCFG, AT+QSCLK, AT+QPOWD, AT+CFUN.
import { intParam } from "../at-line";
import { cme, error, ok, type Reply } from "../reply";
import type { CommandContext, CommandTable } from "./context";

/** AT+IPR rates of the AT manual §3.5. */
export const IPR_RATES = [
  4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, 2900000, 3000000, 3200000, 3686400, 4000000,
];
const URC_PORTS = ["usbat", "usbmodem", "uart1", "uart2", "all"];

/** `yy/MM/dd,hh:mm:ss±zz`: local time (UTC + zone quarters x 15 min) and the zone, as 27.007 8.15 writes it. */
export function formatCclk(utcMs: number, zoneQuarters: number): string {
  const d = new Date(utcMs + zoneQuarters * 15 * 60 * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  const zone = `${zoneQuarters < 0 ? "-" : "+"}${two(Math.abs(zoneQuarters))}`;
  return `${two(d.getUTCFullYear() % 100)}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())},${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}${zone}`;
}

function simCheck(context: CommandContext): Reply | undefined {
  return context.simPresent ? undefined : cme(10);
}

function registration(name: string): CommandTable[string] {
  return (command, context) => {
    const key = name.slice(1);
    if (command.form === "test") return ok([`${name}: (0-2)`]);
    if (command.form === "write") {
      const n = intParam(command.params[0], 0, 2);
      if (n === undefined || command.params.length > 1) return error();
      context.state.regN[name] = n;
      return ok();
    }
    if (command.form !== "read") return error();
    const stat = !context.simPresent ? 0 : context.registered() ? 1 : 2;
    return ok([`+${key}: ${context.state.regN[name] ?? 0},${stat}`]);
  };
}

/** An on/off basic command (E, V): no value means 0. */
function flag(set: (context: CommandContext, on: boolean) => void): CommandTable[string] {
  return (command, context) => {
    if (command.form === "read" || command.form === "test") return error();
    const value = command.params[0]?.text ?? "0";
    if (value !== "0" && value !== "1") return error();
    set(context, value === "1");
    return ok();
  };
}

export const generalCommands: CommandTable = {
  "": (command) => (command.form === "exec" ? ok() : error()),
  E: flag((context, on) => (context.state.echo = on)),
  V: flag((context, on) => (context.state.verbose = on)),
  I: (command) => (command.form === "exec" ? ok(["Quectel", "EC20F", "Revision: EC20CEFAGR06A15M4G"]) : error()),
  "&D": (command, context) => {
    const n = Number(command.params[0]?.text ?? "0");
    if (command.form === "read" || command.form === "test" || !(n >= 0 && n <= 2)) return error();
    context.state.andD = n;
    return ok();
  },
  // Settings are kept in the simulator's memory anyway; &W only has to be accepted.
  "&W": (command) => (command.form === "exec" || command.params[0]?.text === "0" ? ok() : error()),
  "+GSN": (command) => (command.form === "exec" ? ok(["866758040000001"]) : command.form === "test" ? ok() : error()),
  "+CMEE": (command, context) => {
    if (command.form === "test") return ok(["+CMEE: (0-2)"]);
    if (command.form === "read") return ok([`+CMEE: ${context.state.cmee}`]);
    if (command.form === "exec") {
      context.state.cmee = 0;
      return ok();
    }
    const n = intParam(command.params[0], 0, 2);
    if (n === undefined) return error();
    context.state.cmee = n as 0 | 1 | 2;
    return ok();
  },
  "+CPIN": (command, context) => {
    if (command.form === "test") return ok();
    if (command.form !== "read") return error();
    return simCheck(context) ?? ok(["+CPIN: READY"]);
  },
  "+CFUN": (command) => {
    if (command.form === "read") return ok(["+CFUN: 1"]);
    if (command.form === "test") return ok(["+CFUN: (0,1,4),(0-1)"]);
    return command.form === "write" && intParam(command.params[0], 0, 4) !== undefined ? ok() : error();
  },
  "+CREG": registration("+CREG"),
  "+CGREG": registration("+CGREG"),
  "+CEREG": registration("+CEREG"),
  "+CGATT": (command, context) => {
    if (command.form === "test") return ok(["+CGATT: (0,1)"]);
    if (command.form === "read") return ok([`+CGATT: ${context.registered() ? context.state.cgatt : 0}`]);
    const n = intParam(command.params[0], 0, 1);
    if (command.form !== "write" || n === undefined) return error();
    if (!context.registered() && n === 1) return error();
    context.state.cgatt = n as 0 | 1;
    if (n === 0) context.state.activePdp.clear();
    return ok();
  },
  "+CCLK": (command, context) => {
    // 27.007 8.15. Setting the clock (the write form) is not modelled: nothing here needs it.
    if (command.form === "test") return ok();
    if (command.form !== "read") return error();
    const network = context.networkTime();
    // Without network time (NITZ) the clock runs from a 1980 default since RDY (a guess: the
    // manuals seen do not give the EC20's start value; any date before 2024 is "not set" to the driver).
    const utcMs = network ? network.utcMs : Date.UTC(1980, 0, 6) + context.sinceRdyMs();
    const zone = network ? network.zoneQuarters : 0;
    return ok([`+CCLK: "${formatCclk(utcMs, zone)}"`]);
  },
  "+CSQ": (command, context) => {
    if (command.form === "test") return ok(["+CSQ: (0-31,99),(0-7,99)"]);
    if (command.form !== "exec") return error();
    const [rssi, ber] = context.signal();
    return ok([`+CSQ: ${rssi},${ber}`]);
  },
  "+IPR": (command, context) => {
    if (command.form === "test") return ok([`+IPR: (),(${IPR_RATES.join(",")})`]);
    if (command.form === "read") return ok([`+IPR: ${context.timing.baud}`]);
    const rate = Number(command.params[0]?.text);
    if (command.form !== "write" || !IPR_RATES.includes(rate)) return error();
    // The new rate takes effect after the OK has left at the old rate.
    return ok([], () => context.setBaud(rate));
  },
  "+QURCCFG": (command, context) => {
    if (command.form === "test") return ok([`+QURCCFG: "urcport",("usbat","usbmodem","uart1","uart2","all")`]);
    if (command.form !== "write" || command.params[0]?.text.toLowerCase() !== "urcport") return error();
    const port = command.params[1];
    if (!port) return ok([`+QURCCFG: "urcport","${context.urcport}"`]);
    if (!port.quoted || !URC_PORTS.includes(port.text.toLowerCase())) return error();
    context.urcport = port.text.toLowerCase();
    return ok();
  },
  "+QSCLK": (command, context) => {
    if (command.form === "test") return ok(["+QSCLK: (0,1)"]);
    if (command.form === "read") return ok([`+QSCLK: ${context.state.qsclk}`]);
    const n = intParam(command.params[0], 0, 1);
    if (n === undefined) return error();
    context.state.qsclk = n;
    return ok();
  },
  "+QPOWD": (command, context) => {
    if (command.form === "test") return ok(["+QPOWD: (0,1)"]);
    if (command.form === "write" && intParam(command.params[0], 0, 1) === undefined) return error();
    if (command.form === "read") return error();
    return ok([], () => context.powerDown());
  },
};
