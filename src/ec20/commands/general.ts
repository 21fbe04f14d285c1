// Declarations and typed functions of the general commands the mailer relies on: AT, ATE0, AT+CMEE,
// SIM and registration state, signal quality, the modem's clock, URC port, baud rate, power-down.

import type { LineView } from "../../at/types";
import { parseModemClock, type ModemClock } from "../clock";
import { BAUD_RATES } from "../limits";
import { buildCommand, declare, int } from "./declare";
import { allInts, execute, queryOne, runCommand } from "./run";
import type { CommandChannel } from "./run";
import { ATTACH_MS, POWER_DOWN_URC_MS, QUICK_MS, SIM_MS } from "./timeouts";

/** `AT` -> OK: the UART is alive. */
export const AT = declare({ name: "", form: "exec", args: [], family: "cme", timeoutMs: QUICK_MS, timeoutSource: "QUICK_MS" });
/** `ATE0`: stop echoing commands (echo is on at power-up, facts 4). */
export const ATE0 = declare({ name: "E0", form: "exec", args: [], family: "cme", timeoutMs: QUICK_MS, timeoutSource: "QUICK_MS" });
/** `AT+CMEE=<n>`: 1 = numeric +CME ERROR codes, which the error table needs. */
export const CMEE = declare({ name: "+CMEE", form: "write", args: [int("n", 0, 2)], family: "cme", timeoutMs: QUICK_MS, timeoutSource: "QUICK_MS" });

/** `AT+CPIN?` -> `+CPIN: READY` (or "SIM PIN", "SIM PUK", ...). */
export const CPIN_READ = declare<string>({
  name: "+CPIN", form: "read", args: [], family: "cme", timeoutMs: SIM_MS, timeoutSource: "SIM_MS",
  expect: "+CPIN:", parse: (line) => line.str(0) || undefined,
});

export interface Registration {
  /** URC mode <n>. */
  mode: number;
  /** <stat>: 0 not registered, 1 home, 2 searching, 3 denied, 4 unknown, 5 roaming. */
  stat: number;
  /** True for 1 (home) and 5 (roaming). */
  registered: boolean;
}
function parseRegistration(line: LineView): Registration | undefined {
  const mode = line.int(0);
  const stat = line.int(1);
  if (!allInts(mode, stat)) return undefined;
  return { mode, stat, registered: stat === 1 || stat === 5 };
}
const registrationRead = (name: "+CREG" | "+CGREG" | "+CEREG") =>
  declare<Registration>({
    name, form: "read", args: [], family: "cme", timeoutMs: QUICK_MS, timeoutSource: "QUICK_MS",
    expect: name + ":", parse: parseRegistration,
  });
/** `AT+CREG?` -> `+CREG: 0,1` (circuit-switched). */
export const CREG_READ = registrationRead("+CREG");
/** `AT+CGREG?` -> `+CGREG: 0,1` (packet-switched, 2G/3G). */
export const CGREG_READ = registrationRead("+CGREG");
/** `AT+CEREG?` -> `+CEREG: 0,1` (EPS, LTE). */
export const CEREG_READ = registrationRead("+CEREG");

/** `AT+CGATT?` -> `+CGATT: <state>`. */
export const CGATT_READ = declare<boolean>({
  name: "+CGATT", form: "read", args: [], family: "cme", timeoutMs: QUICK_MS, timeoutSource: "QUICK_MS",
  expect: "+CGATT:", parse: (line) => { const s = line.int(0); return s === 0 || s === 1 ? s === 1 : undefined; },
});
/** `AT+CGATT=1`: attach to the packet domain (manual 1.4.2). */
export const CGATT_WRITE = declare({
  name: "+CGATT", form: "write", args: [int("state", 0, 1)], family: "cme", timeoutMs: ATTACH_MS, timeoutSource: "ATTACH_MS",
});

export interface SignalQuality {
  /** <rssi> 0-31, 99 = unknown. */
  rssi: number;
  /** <ber> 0-7, 99 = unknown. */
  ber: number;
  /** -113 + 2*rssi dBm, or undefined when rssi is 99 (27.007 8.5). */
  dbm: number | undefined;
}
/** `AT+CSQ` -> `+CSQ: 30,99`. */
export const CSQ = declare<SignalQuality>({
  name: "+CSQ", form: "exec", args: [], family: "cme", timeoutMs: QUICK_MS, timeoutSource: "QUICK_MS",
  expect: "+CSQ:",
  parse: (line) => {
    const rssi = line.int(0);
    const ber = line.int(1);
    if (!allInts(rssi, ber)) return undefined;
    return { rssi, ber, dbm: rssi >= 0 && rssi <= 31 ? -113 + 2 * rssi : undefined };
  },
});

export type UrcPort = "usbat" | "usbmodem" | "uart1" | "uart2" | "all";
const URC_PORTS: readonly UrcPort[] = ["usbat", "usbmodem", "uart1", "uart2", "all"];
/** `AT+QURCCFG="urcport","uart1"`: URCs to the main UART (factory default is USB AT, facts 4). */
export const QURCCFG_WRITE = declare({
  name: "+QURCCFG", form: "write", args: [{ kind: "key", text: "urcport" }, { kind: "word", name: "urcport", values: URC_PORTS }],
  family: "cme", timeoutMs: QUICK_MS, timeoutSource: "QUICK_MS",
});
/** `AT+QURCCFG="urcport"` -> `+QURCCFG: "urcport","usbat"`. */
export const QURCCFG_READ = declare<string>({
  name: "+QURCCFG", form: "write", args: [{ kind: "key", text: "urcport" }], family: "cme",
  timeoutMs: QUICK_MS, timeoutSource: "QUICK_MS", expect: "+QURCCFG:",
  parse: (line) => (line.str(0) === "urcport" ? line.str(1) : undefined),
});

/** `AT+IPR=<rate>`: takes effect after the OK (facts 4). */
export const IPR = declare({
  name: "+IPR", form: "write", args: [{ kind: "choice", name: "rate", values: BAUD_RATES }],
  family: "cme", timeoutMs: QUICK_MS, timeoutSource: "QUICK_MS",
});

/** `AT+CCLK?` -> `+CCLK: "26/12/03,16:00:05+04"` (27.007 8.15: local time, zone in quarter hours).
 *  A line that is not a real date and time parses as missing (the query then fails). */
export const CCLK_READ = declare<ModemClock>({
  name: "+CCLK", form: "read", args: [], family: "cme", timeoutMs: QUICK_MS, timeoutSource: "QUICK_MS",
  expect: "+CCLK:", parse: (line) => parseModemClock(line.str(0)),
});

/** `AT+QPOWD=<n>` -> OK, then `POWERED DOWN` within 60 s (facts 4). */
export const QPOWD = declare({
  name: "+QPOWD", form: "write", args: [int("n", 0, 1)], family: "cme", timeoutMs: QUICK_MS, timeoutSource: "QUICK_MS",
  finalUrc: { prefix: "POWERED DOWN", timeoutMs: POWER_DOWN_URC_MS },
});

export const checkAlive = (ch: CommandChannel) => execute(ch, AT);
export const disableEcho = (ch: CommandChannel) => execute(ch, ATE0);
export const setNumericErrors = (ch: CommandChannel) => execute(ch, CMEE, [1]);
/** The SIM state word: "READY" when usable. */
export const readSimState = (ch: CommandChannel): Promise<string> => queryOne(ch, CPIN_READ);
export const readCsRegistration = (ch: CommandChannel) => queryOne(ch, CREG_READ);
export const readPsRegistration = (ch: CommandChannel) => queryOne(ch, CGREG_READ);
export const readEpsRegistration = (ch: CommandChannel) => queryOne(ch, CEREG_READ);
export const readAttached = (ch: CommandChannel): Promise<boolean> => queryOne(ch, CGATT_READ);
export const attachPacketDomain = (ch: CommandChannel) => execute(ch, CGATT_WRITE, [1]);
export const readSignalQuality = (ch: CommandChannel) => queryOne(ch, CSQ);
/** The modem's clock in UTC; fails (ModemError) when it reports no valid date and time. */
export const readModemClock = (ch: CommandChannel): Promise<ModemClock> => queryOne(ch, CCLK_READ);
export const setUrcPort = (ch: CommandChannel, port: UrcPort) => execute(ch, QURCCFG_WRITE, [port]);
export const readUrcPort = (ch: CommandChannel): Promise<string> => queryOne(ch, QURCCFG_READ);
export const setBaudRate = (ch: CommandChannel, rate: number) => execute(ch, IPR, [rate]);

/** `AT+QPOWD=1` (normal) or 0 (immediate); resolves once `POWERED DOWN` has arrived. */
export async function powerDown(ch: CommandChannel, mode: 0 | 1 = 1): Promise<void> {
  const command = buildCommand(QPOWD, [mode]);
  command.awaitUrc = { prefix: "POWERED DOWN", timeoutMs: POWER_DOWN_URC_MS, onUrc: () => {} };
  await runCommand(ch, QPOWD, command);
}
