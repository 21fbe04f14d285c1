// The device's settings from `mc/config`: the manifest's "config" block, where any key can be replaced
// on the mcconfig command line as key=value. Manifest values keep their JSON type; command-line values
// arrive as strings. This module turns either into typed, validated settings and reports every bad key
// at once as a ConfigError, before the modem is touched. main.ts passes `mc/config` in, so tests can
// pass plain objects.

import type { PinSettings } from "./pins";
import type { LimitRule } from "../../src/ec20/limits";

/** <srvaddr>, <username>, <password>, <sender_name>, <sender_email>, <emailaddr>: 50 bytes each
 *  (SMTP manual 2.1/2.2; SMTP_STRING_MAX_BYTES in src/ec20/limits.ts). */
const SMTP_STRING_MAX = 50;
/** SMTP manual 2.2: at most 20 recipients (MAX_RECIPIENTS in src/ec20/limits.ts). */
const RECIPIENTS_MAX = 20;
/** AT+QICSGP APN, user and password: the manual's limit is not in our sources; 63 bytes is the
 *  3GPP APN length limit (TS 23.003 9.1) and bounds the command line. */
const APN_MAX = 63;
/** AT+IPR rates (facts 4); 0 = stay at `baud`. */
const IPR_RATES: readonly number[] = [
  4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, 2900000, 3000000, 3200000, 3686400, 4000000,
];
/** Wake every 1 min .. 7 days: shorter wakes spend more on LTE attach than they report; the ESP32
 *  timer wake-up takes 64-bit microseconds, so the upper bound is a sanity limit, not a hardware one. */
const PERIOD_S = { min: 60, max: 7 * 24 * 3600 };

export type ConfigRule = LimitRule | "type";

export interface ConfigProblem {
  key: string;
  rule: ConfigRule;
  detail: string;
}

export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super(`configuration: ${problems.map((p) => `${p.key} (${p.rule}): ${p.detail}`).join("; ")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

export type SslType = 0 | 1 | 2;

export interface DeviceConfig {
  uart: { port: 1 | 2; transmit: number; receive: number };
  pins: PinSettings;
  /** The modem's rate after power-on (115200 from the factory). */
  baud: number;
  /** AT+IPR rate to use after start-up; undefined = stay at `baud`. */
  fastBaud: number | undefined;
  apn: { name: string; user: string; password: string; auth: 0 | 1 | 2 | 3 };
  smtp: { server: string; port: number; sslType: SslType; user: string; password: string };
  /** Write smtp.password into NVS so later builds can leave it out of the firmware. */
  persistPassword: boolean;
  sender: { name: string; email: string };
  recipients: string[];
  /** Seconds between wakes. */
  reportPeriodS: number;
  /** Verify the SMTP server's certificate (seclevel 1) against the `caCert` resource. Off only on purpose. */
  tls: { verify: boolean; caResource: string };
}

/** Keys whose values are secrets: never echoed in problems or logs. */
const SECRET_KEYS: readonly string[] = ["smtpPassword", "apnPassword"];

class Reader {
  readonly problems: ConfigProblem[] = [];
  readonly #raw: Readonly<Record<string, unknown>>;
  constructor(raw: Readonly<Record<string, unknown>>) {
    this.#raw = raw;
  }

  #fail(key: string, rule: ConfigRule, detail: string): void {
    this.problems.push({ key, rule, detail });
  }

  #show(key: string, value: unknown): string {
    return SECRET_KEYS.indexOf(key) >= 0 ? "(secret)" : JSON.stringify(value);
  }

  int(key: string, fallback: number, min: number, max: number): number {
    const value = this.#raw[key];
    if (value === undefined || value === "") return fallback;
    let n: number;
    if (typeof value === "number") n = value;
    else if (typeof value === "string" && /^-?[0-9]+$/.test(value.trim())) n = parseInt(value.trim(), 10);
    else {
      this.#fail(key, "syntax", `${this.#show(key, value)} is not an integer`);
      return fallback;
    }
    if (!Number.isInteger(n) || n < min || n > max) {
      this.#fail(key, "range", `${n} is outside ${min}..${max}`);
      return fallback;
    }
    return n;
  }

  choice<T extends number>(key: string, fallback: T, choices: readonly T[]): T {
    const n = this.int(key, fallback, -0x7fffffff, 0x7fffffff);
    if (choices.indexOf(n as T) < 0) {
      this.#fail(key, "range", `${n} is not one of ${choices.join(", ")}`);
      return fallback;
    }
    return n as T;
  }

  level(key: string, fallback: 0 | 1): 0 | 1 {
    return this.choice<0 | 1>(key, fallback, [0, 1]);
  }

  /** A GPIO number, or -1 when `optional` and the line is not wired. ESP32: GPIO 0-39. */
  pin(key: string, fallback: number, optional: boolean): number {
    return this.int(key, fallback, optional ? -1 : 0, 39);
  }

  /** A string that goes inside an AT command's quotes: printable ASCII without `"` or `\`. */
  text(key: string, fallback: string, maxBytes: number, required: boolean): string {
    const value = this.#raw[key];
    let s: string;
    if (value === undefined) s = fallback;
    else if (typeof value === "string") s = value;
    else if (typeof value === "number") s = String(value);
    else {
      this.#fail(key, "type", `expected a string`);
      return fallback;
    }
    if (required && s.length === 0) {
      this.#fail(key, "required", "must be set (give it on the mcconfig command line as key=value)");
      return s;
    }
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
        this.#fail(key, "unsafe-char", `character ${i + 1} cannot go inside an AT command string (control, non-ASCII, " or \\)`);
        return s;
      }
    }
    if (s.length > maxBytes) this.#fail(key, "max-bytes", `${s.length} bytes, at most ${maxBytes}`);
    return s;
  }

  mailbox(key: string, value: string): void {
    if (!/^[^@\s,;<>()]+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]+$/.test(value)) this.#fail(key, "syntax", `${JSON.stringify(value)} is not an address like name@example.com`);
  }

  flag(key: string): boolean {
    return this.choice<0 | 1>(key, 0, [0, 1]) === 1;
  }
}

/** Validates `raw` (the mc/config object) into DeviceConfig, or throws ConfigError listing every problem. */
export function parseConfig(raw: Readonly<Record<string, unknown>>): DeviceConfig {
  const r = new Reader(raw);
  const config: DeviceConfig = {
    uart: {
      port: r.choice<1 | 2>("uartPort", 2, [1, 2]),
      transmit: r.pin("uartTx", 17, false),
      receive: r.pin("uartRx", 16, false),
    },
    pins: {
      pwrkey: r.pin("pwrkeyPin", 25, false),
      pwrkeyAssertLevel: r.level("pwrkeyAssert", 1),
      reset: r.pin("resetPin", 26, true),
      resetAssertLevel: r.level("resetAssert", 1),
      status: r.pin("statusPin", 34, true),
      statusOnLevel: r.level("statusOn", 1),
      dtr: r.pin("dtrPin", 27, true),
      supply: r.pin("supplyPin", -1, true),
    },
    baud: r.choice("baud", 115200, IPR_RATES),
    fastBaud: undefined,
    apn: {
      name: r.text("apn", "", APN_MAX, false),
      user: r.text("apnUser", "", APN_MAX, false),
      password: r.text("apnPassword", "", APN_MAX, false),
      auth: r.choice<0 | 1 | 2 | 3>("apnAuth", 0, [0, 1, 2, 3]),
    },
    smtp: {
      server: r.text("smtpServer", "", SMTP_STRING_MAX, true),
      port: r.int("smtpPort", 465, 1, 65535),
      sslType: r.choice<SslType>("sslType", 1, [0, 1, 2]),
      user: r.text("smtpUser", "", SMTP_STRING_MAX, false),
      password: r.text("smtpPassword", "", SMTP_STRING_MAX, false),
    },
    persistPassword: r.flag("persistPassword"),
    sender: {
      name: r.text("senderName", "EC20 telemetry", SMTP_STRING_MAX, true),
      email: r.text("senderEmail", "", SMTP_STRING_MAX, true),
    },
    recipients: [],
    reportPeriodS: r.int("reportPeriod", 3600, PERIOD_S.min, PERIOD_S.max),
    tls: {
      verify: r.choice<0 | 1>("tlsVerify", 1, [0, 1]) === 1,
      caResource: r.text("caCert", "smtp-ca.pem", 80, false),
    },
  };
  const fast = r.choice("fastBaud", 0, [0, ...IPR_RATES]);
  config.fastBaud = fast === 0 || fast === config.baud ? undefined : fast;
  if (config.sender.email) r.mailbox("senderEmail", config.sender.email);

  const list = r.text("recipients", "", 20 * (SMTP_STRING_MAX + 1), true);
  if (list) {
    const parts = list.split(",");
    for (let i = 0; i < parts.length; i++) {
      const address = parts[i].trim();
      if (!address) continue;
      if (address.length > SMTP_STRING_MAX) r.problems.push({ key: "recipients", rule: "max-bytes", detail: `${address}: more than ${SMTP_STRING_MAX} bytes` });
      else r.mailbox("recipients", address);
      config.recipients.push(address);
    }
    if (config.recipients.length === 0) r.problems.push({ key: "recipients", rule: "required", detail: "no address in the list" });
    if (config.recipients.length > RECIPIENTS_MAX) r.problems.push({ key: "recipients", rule: "count", detail: `${config.recipients.length} addresses, at most ${RECIPIENTS_MAX}` });
  }
  if (r.problems.length) throw new ConfigError(r.problems);
  return config;
}
