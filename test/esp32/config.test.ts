// The device configuration: mc/config values arrive as JSON values from the manifest or as strings from
// the mcconfig command line (key=value); both must give the same typed settings, and every bad key
// must be reported, by name and rule, before the modem is touched.

import test from "ava";
import fc from "fast-check";
import { ConfigError, parseConfig } from "../../hosts/esp32/config";
import type { ConfigProblem } from "../../hosts/esp32/config";

/** The least a user must give: where to send from and to. */
const REQUIRED = { smtpServer: "smtp.example.com", senderEmail: "meter@example.com", recipients: "ops@example.com" };

function problemsOf(raw: Record<string, unknown>): ConfigProblem[] {
  try {
    parseConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  return [];
}

test("defaults fill every key the user left out", (t) => {
  const config = parseConfig(REQUIRED);
  t.deepEqual(config.uart, { port: 2, transmit: 17, receive: 16 });
  t.like(config.pins, { pwrkey: 25, pwrkeyAssertLevel: 1, reset: 26, status: 34, dtr: 27, supply: -1 });
  t.is(config.baud, 115200);
  t.is(config.fastBaud, undefined);
  t.like(config.smtp, { server: "smtp.example.com", port: 465, sslType: 1, user: "", password: "" });
  t.deepEqual(config.recipients, ["ops@example.com"]);
  t.is(config.reportPeriodS, 3600);
});

test("command-line strings parse like manifest numbers", (t) => {
  const fromStrings = parseConfig({ ...REQUIRED, uartPort: "1", smtpPort: "587", sslType: "2", fastBaud: "921600", reportPeriod: "900", statusPin: "-1" });
  const fromNumbers = parseConfig({ ...REQUIRED, uartPort: 1, smtpPort: 587, sslType: 2, fastBaud: 921600, reportPeriod: 900, statusPin: -1 });
  t.deepEqual(fromStrings, fromNumbers);
  t.is(fromStrings.smtp.port, 587);
  t.is(fromStrings.fastBaud, 921600);
  t.is(fromStrings.pins.status, -1);
});

test("a recipient list is split on commas, trimmed, and each address checked", (t) => {
  t.deepEqual(parseConfig({ ...REQUIRED, recipients: "a@x.org, b@y.net ,c@z.io" }).recipients, ["a@x.org", "b@y.net", "c@z.io"]);
  t.deepEqual(problemsOf({ ...REQUIRED, recipients: "a@x.org,not-an-address" }).map((p) => [p.key, p.rule]), [["recipients", "syntax"]]);
  const many = Array.from({ length: 21 }, (_, i) => `u${i}@example.com`).join(",");
  t.deepEqual(problemsOf({ ...REQUIRED, recipients: many }).map((p) => p.rule), ["count"], "the modem takes at most 20");
});

test("every bad key is reported at once, each with its rule", (t) => {
  const problems = problemsOf({ smtpPort: "smtp", uartPort: "0", baud: "250000", reportPeriod: "10", sslType: 3 });
  t.deepEqual(
    problems.map((p) => `${p.key}:${p.rule}`).sort(),
    ["baud:range", "recipients:required", "reportPeriod:range", "senderEmail:required", "smtpPort:syntax", "smtpServer:required", "sslType:range", "uartPort:range"].sort(),
  );
});

test("strings that could break an AT command line are refused", (t) => {
  t.deepEqual(problemsOf({ ...REQUIRED, senderName: 'Meter "7"' }).map((p) => [p.key, p.rule]), [["senderName", "unsafe-char"]]);
  t.deepEqual(problemsOf({ ...REQUIRED, apn: "inter\rnet" }).map((p) => [p.key, p.rule]), [["apn", "unsafe-char"]]);
  t.deepEqual(problemsOf({ ...REQUIRED, smtpServer: "x".repeat(51) }).map((p) => [p.key, p.rule]), [["smtpServer", "max-bytes"]]);
});

test("a password never appears in a problem report", (t) => {
  const secret = "hunter2\u00e9";
  const error = t.throws(() => parseConfig({ ...REQUIRED, smtpPassword: secret, smtpPort: "x" }), { instanceOf: ConfigError });
  t.false(error.message.includes("hunter2"));
  t.deepEqual(error.problems.map((p) => p.key).sort(), ["smtpPassword", "smtpPort"]);
});

test("property: any in-range integer string is accepted as that port; any non-integer string is a syntax problem", (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 65535 }), (port) => parseConfig({ ...REQUIRED, smtpPort: String(port) }).smtp.port === port),
  );
  fc.assert(
    fc.property(
      fc.string({ minLength: 1 }).filter((s) => !/^\s*-?[0-9]+\s*$/.test(s)),
      (text) => {
        const problems = problemsOf({ ...REQUIRED, smtpPort: text });
        return problems.length === 1 && problems[0].key === "smtpPort" && problems[0].rule === "syntax";
      },
    ),
  );
  t.pass();
});
