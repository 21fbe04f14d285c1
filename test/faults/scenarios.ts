// The fault matrix: one row per fault, each run end to end (app + outbox + mailer + simulator + a
// real SMTP server). Wake 1 raises one alarm; the fault strikes while it is being sent; the device
// then wakes on its own schedule until the alarm is delivered (or, for a permanent failure, until
// the next hourly report says it failed).
import type { Fault } from "../../sim/index";
import { testCerts } from "../../sim/local-smtp-server";
import type { Device, DeviceOptions } from "./app-rig";

/** What must hold at the end: "once" = the alarm delivered exactly once, nothing left queued;
 *  "reported" = the alarm refused for good and named in the next report, nothing left queued;
 *  "at-least-once" = delivered, possibly twice with the same outbox id (the cut fell after the
 *  server took it and before the outbox recorded it), nothing left queued. */
export type Expectation = "once" | "reported" | "at-least-once";

export interface Scenario {
  name: string;
  /** The fault in the simulator's / fixture's terms. */
  fault: string;
  options?: Omit<DeviceOptions, "name">;
  beforeWake?(device: Device, wake: number): void;
  afterWake?(device: Device, wake: number): void;
  expect: Expectation;
  /** The wake in which the fault strikes (default 1); recovery time counts from its start. */
  faultWake?: number;
  /** Extra evidence that the fault really struck: a problem description, or undefined. */
  check?(device: Device): string | undefined;
}

/** `deliver` that answers `code` for the first `times` attempts (one wake makes three: put + 2 resends). */
const failFirst = (times: number, err: number, protocolError = 0): DeviceOptions["deliver"] => (real) => {
  let calls = 0;
  return async (request, o) => (calls++ < times ? { err, protocolError } : real(request, o));
};

const onFirstWakeOnly = (apply: (device: Device) => void, undo: (device: Device) => void) => ({
  beforeWake(device: Device, wake: number) {
    if (wake === 1) apply(device);
  },
  afterWake(device: Device, wake: number) {
    if (wake === 1) undo(device);
  },
});

const fault = (f: Fault): Fault[] => [f];

export const SCENARIOS: Scenario[] = [
  { name: "baseline", fault: "none", expect: "once" },
  {
    name: "modem silent once (lost answer)", fault: "silent:QSMTPSUB#1 (ladder: AT probe)",
    options: { simFaults: fault({ kind: "silent", command: "QSMTPSUB", nth: 1 }) }, expect: "once",
    check: (d) => (d.rungs.includes("probe") ? undefined : `ladder went ${d.rungs.join(",")}`),
  },
  {
    name: "modem silent, stuck in data mode", fault: "hang:QSMTPSUB#1=escape (ladder: +++)",
    options: { simFaults: fault({ kind: "hang", command: "QSMTPSUB", nth: 1, until: "escape" }) }, expect: "once",
    check: (d) => (d.rungs.includes("escape") ? undefined : `ladder went ${d.rungs.join(",")}`),
  },
  {
    name: "modem silent, firmware hang", fault: "hang:QSMTPSUB#1=reset (ladder: RESET_N)",
    options: { simFaults: fault({ kind: "hang", command: "QSMTPSUB", nth: 1, until: "reset" }) }, expect: "once",
    check: (d) => (d.rungs.includes("reset") ? undefined : `ladder went ${d.rungs.join(",")}`),
  },
  {
    name: "modem silent, RESET_N no help", fault: "hang:QSMTPSUB#1=power (ladder: PWRKEY cycle)",
    options: { simFaults: fault({ kind: "hang", command: "QSMTPSUB", nth: 1, until: "power" }) }, expect: "once",
    check: (d) => (d.rungs.includes("power-cycle") ? undefined : `ladder went ${d.rungs.join(",")}`),
  },
  {
    name: "RDY in the middle of the body upload", fault: "reboot after 64 body bytes",
    beforeWake(device, wake) {
      if (wake !== 1) return;
      const modem = device.sim.modem;
      const original = modem.fromHost.bind(modem);
      let inBody = 0;
      modem.fromHost = (bytes) => {
        if (modem.inDataMode && inBody >= 0) {
          inBody += bytes.length;
          if (inBody >= 64) {
            inBody = -1;
            device.clock.setTimer(() => device.sim.reboot(), 0);
          }
        }
        original(bytes);
      };
    },
    check: (d) => (d.sim.modem.stats.reboots === 1 ? undefined : `${d.sim.modem.stats.reboots} restarts`),
    expect: "once",
  },
  {
    name: "PDP context dropped during AT+QSMTPPUT", fault: "pdpdeact:QSMTPPUT#1 (657)",
    options: { simFaults: fault({ kind: "pdpdeact", command: "QSMTPPUT", nth: 1, delayMs: 0 }) }, expect: "once",
  },
  {
    name: "652 SMTP busy", fault: "error:QSMTPPUT#1=652",
    options: { simFaults: fault({ kind: "error", command: "QSMTPPUT", nth: 1, code: 652 }) }, expect: "once",
  },
  { name: "653 DNS failure", fault: "+QSMTPPUT: 653 x3 (one wake)", options: { deliver: failFirst(3, 653) }, expect: "once" },
  { name: "654 network error", fault: "+QSMTPPUT: 654 x3 (one wake)", options: { deliver: failFirst(3, 654) }, expect: "once" },
  {
    name: "656 closed by peer", fault: "server drops TCP at MAIL (wake 1)",
    ...onFirstWakeOnly((d) => (d.smtpFaults.closeAt = "mail"), (d) => delete d.smtpFaults.closeAt), expect: "once",
  },
  { name: "658 SMTP timeout", fault: "+QSMTPPUT: 658 x3 (one wake)", options: { deliver: failFirst(3, 658) }, expect: "once" },
  {
    name: "SMTP 4xx", fault: "451 to MAIL FROM (wake 1)",
    ...onFirstWakeOnly((d) => (d.smtpFaults.replyCode = { mail: 451 }), (d) => delete d.smtpFaults.replyCode), expect: "once",
  },
  {
    name: "SMTP 5xx", fault: "550 to RCPT TO (wake 1)",
    ...onFirstWakeOnly((d) => (d.smtpFaults.replyCode = { rcpt: 550 }), (d) => delete d.smtpFaults.replyCode), expect: "reported",
  },
  {
    name: "TLS failure (wrong certificate)", fault: "server cert from another CA, verify on (wake 1)",
    options: { mode: "tls", caPem: testCerts.otherCaPem },
    afterWake(device, wake) {
      if (wake === 1) device.caPem = testCerts.caPem; // the operator fixes the trust anchor
    },
    expect: "reported",
  },
  {
    name: "garbage on the wire", fault: "binary junk before AT+QSMTPDST's answer, a stray URC in AT+QSMTPSUB",
    options: {
      simFaults: [
        { kind: "garbage", command: "QSMTPDST", nth: 1, text: "\x00\xff\xfe#@!\x07\r\n\r\nxx OK? \r\n" },
        { kind: "noise", command: "QSMTPSUB", nth: 1, text: "+CREG: 0,1" },
      ],
    },
    check: (d) => (d.channelStats.unknownUrcs >= 2 ? undefined : `only ${d.channelStats.unknownUrcs} unknown lines counted`),
    expect: "once",
  },
  {
    name: "lost bytes toward the host", fault: "lose:toHost@400x4 (4 bytes of the modem's output, early in the session)",
    options: { simFaults: fault({ kind: "lose", direction: "toHost", offset: 400, count: 4 }) }, expect: "once",
  },
  {
    name: "lost line: the +QSMTPPUT result", fault: "lose-result:QSMTPPUT#1 (\"+QSMTPPUT: 0,0\" lost after delivery)",
    options: { simFaults: fault({ kind: "lose-result", command: "QSMTPPUT", nth: 1 }) }, expect: "at-least-once",
  },
  {
    name: "lost bytes toward the host, later", fault: "lose:toHost@555x6 (6 bytes, late in the session)",
    options: { simFaults: fault({ kind: "lose", direction: "toHost", offset: 555, count: 6 }) }, expect: "once",
  },
  {
    name: "corrupted bytes (host -> modem)", fault: "corrupt:toModem@400x3",
    options: { simFaults: fault({ kind: "corrupt", direction: "toModem", offset: 400, count: 3 }) }, expect: "once",
  },
  {
    name: "line overflow", fault: "a 700-byte line before AT+QSMTPSUB's answer",
    options: { simFaults: fault({ kind: "garbage", command: "QSMTPSUB", nth: 1, text: `+QJUNK: ${"A".repeat(700)}\r\n` }) },
    check: (d) => (d.channelStats.overflowLines === 1 ? undefined : `${d.channelStats.overflowLines} overflows counted, expected 1`),
    expect: "once",
  },
  {
    name: "power lost during the outbox append", fault: "storage cut 10 byte-steps into the alarm's append (wake 2)", faultWake: 2,
    beforeWake(device, wake) {
      // Wake 1 has no alarm (level normal); wake 2 raises it and the cut hits its append.
      if (wake === 1) device.level.value = 50;
      if (wake === 2) {
        device.level.value = 97;
        device.outboxStorage.cutAfter(10);
      }
    },
    expect: "once",
  },
  {
    name: "power lost while marking it sent", fault: "storage cut right after the server accepted it",
    options: {
      deliver: (real, device) => {
        let first = true;
        return async (request, o) => {
          const result = await real(request, o);
          if (first && result.err === 0) {
            first = false;
            device.outboxStorage.cutAfter(0);
          }
          return result;
        };
      },
    },
    expect: "at-least-once",
  },
];
