// runWake as a user sees it: which emails leave, in which order, with what in them, when the modem
// is on, and how failures are retried or reported.
import test from "ava";
import { BODY_MAX_BYTES } from "../../src/ec20/limits";
import { baseConfig, parseCsv, permanent, scripted, transient, World } from "./fakes";

const T0 = Date.UTC(2026, 11, 3, 15, 0, 0) / 1000;

/** A temperature that follows `values` wake by wake (one value per sample period). */
function steps(values: number[], period = 600) {
  return scripted("temp", "C", (t) => values[Math.min(values.length - 1, Math.floor((t - T0) / period))]);
}

test("an alarm with hysteresis: one email when it rises, none while it wobbles in the band, one when it clears", async (t) => {
  // threshold 80, hysteresis 2: raise above 80, clear below 78.
  const w = new World(baseConfig({ reportPeriodS: 24 * 3600 }), [steps([70, 81, 79.5, 80.5, 79, 78.5, 80.9, 77.9, 79, 79.9, 70])]);
  for (let i = 0; i < 11; i++) {
    await w.wake();
    w.now += 600;
  }
  const alarms = w.mailer.deliveredEmails.filter((e) => e.kind === "alarm");
  t.deepEqual(alarms.map((e) => e.subject.replace(/^\[ec20-mail #\d+\] /, "")), [
    "node-7 ALARM tank-high: temp 81.00 C above 80.00",
    "node-7 cleared tank-high: temp 77.90 C",
  ]);
  t.regex(alarms[0].body, /Time: 2026-12-03T15:10:00Z/);
  t.regex(alarms[0].body, /clears when below 78\.00/);
});

test("the modem stays off when nothing is due, and is switched off after every wake that used it", async (t) => {
  const w = new World(baseConfig(), [steps([70, 70, 85, 85, 85, 85, 85, 85])]);
  const r1 = await w.wake();
  t.false(r1.modemUsed);
  t.is(w.modem.powerOns, 0);
  t.is(r1.sleepS, 600, "next sample");
  w.now += r1.sleepS;
  await w.wake();
  t.is(w.modem.powerOns, 0);
  w.now += 600;
  const r3 = await w.wake(); // 85 > 80
  t.true(r3.modemUsed);
  t.is(w.modem.powerOns, 1);
  t.is(w.modem.powerOffs, 1);
  t.false(w.modem.on);
  t.is(w.mailer.deliveredEmails.length, 1);
});

test("alarms go before reports, and the report carries summary and CSV", async (t) => {
  // Wakes at 15:00 .. 16:00; at 16:00 the report is due and the value crosses the threshold.
  const values = [70, 71, 72, 73, 74, 75, 90];
  const w = new World(baseConfig(), [steps(values)]);
  for (let i = 0; i < 6; i++) {
    await w.wake();
    w.now += 600;
  }
  t.is(w.mailer.emails.length, 0);
  const r = await w.wake();
  t.true(r.reportQueued);
  t.is(r.alarmsQueued, 1);
  const [first, second] = w.mailer.emails;
  t.is(first.kind, "alarm");
  t.is(second.kind, "report");
  t.true(first.id > 0 && second.id > 0);
  t.regex(second.subject, /^\[ec20-mail #\d+\] node-7 report 2026-12-03 16:00Z$/);
  t.regex(second.body, /temp: min 70\.00, max 90\.00, avg 75\.00, last 90\.00 C \(7 readings\)/);
  const csv = second.attachments[0];
  t.is(csv.name, "readings.csv");
  t.is(csv.text.length, csv.declaredLength);
  const rows = parseCsv(csv.text);
  t.deepEqual(rows.map((r) => r.value), values);
  t.deepEqual(rows.map((r) => r.time), values.map((_, i) => T0 + 600 * i));
  t.true(rows.every((r) => r.source === "temp"));
});

test("a report stays within 10240 bytes: the readings list is cut, never the summary, and the CSV has everything", async (t) => {
  // Eight sources sampled every minute; the first report (16:00, a multiple of 4 h) covers 61 wakes.
  const sources = Array.from({ length: 8 }, (_, i) => scripted(`sensor-${i}`, "kPa", (s) => 100 + i + Math.sin(s / 3000) * 5, 3));
  const config = baseConfig({ reportPeriodS: 3600 * 4, samplePeriodS: 60, rules: [] });
  const w = new World(config, sources, { historyBlocks: 24 });
  for (let i = 0; i <= 60; i++) {
    const r = await w.wake();
    t.is(r.sampled, 8);
    w.now += 60;
  }
  const reports = w.mailer.emails.filter((e) => e.kind === "report");
  t.is(reports.length, 1);
  const report = reports[0];
  t.true(report.declaredBodyLength <= BODY_MAX_BYTES, String(report.declaredBodyLength));
  t.is(report.body.length, report.declaredBodyLength);
  t.true(report.declaredBodyLength > BODY_MAX_BYTES - 100, "the list fills the body");
  for (let i = 0; i < 8; i++) t.regex(report.body, new RegExp(`sensor-${i}: min [\\d.]+, max [\\d.]+, avg [\\d.]+, last [\\d.]+ kPa \\(\\d+ readings\\)`));
  t.regex(report.body, /Emails failed permanently: 0/);
  const listed = /Newest readings \((\d+) of (\d+)\):/.exec(report.body)!;
  t.truthy(listed);
  const csvRows = parseCsv(report.attachments[0].text);
  t.is(Number(listed[2]), csvRows.length);
  t.true(Number(listed[1]) < csvRows.length);
  // The listed readings are the newest ones, in order, and match the CSV's tail.
  const bodyLines = report.body.split("\r\n").filter((l) => /^\d{4}-\d\d-\d\dT/.test(l));
  t.is(bodyLines.length, Number(listed[1]));
  const tail = report.attachments[0].text.split("\n").slice(1, -1).slice(-bodyLines.length);
  t.deepEqual(bodyLines, tail);
  t.is(csvRows.length, 61 * 8);
  t.is(csvRows[csvRows.length - 1].time, T0 + 3600);
  t.is(csvRows[0].time, T0);
});

test("a permanent failure is logged once, not retried, and reported once in the next report", async (t) => {
  const w = new World(baseConfig(), [steps([70, 85, 85, 85, 85, 85, 85, 85, 85, 85, 85, 85, 85, 85])]);
  await w.wake();
  w.now += 600;
  w.mailer.plan.push(permanent(550));
  const r = await w.wake(); // the alarm: 550 from the server
  t.is(r.failed, 1);
  t.is(w.logs.filter((l) => /failed permanently \(code 550\)/.test(l)).length, 1);
  // Later wakes never try it again; the report at 16:00 says what happened.
  for (let i = 0; i < 5; i++) {
    w.now += 600;
    await w.wake();
  }
  t.is(w.mailer.emails.filter((e) => e.kind === "alarm").length, 1);
  const report = w.mailer.deliveredEmails.find((e) => e.kind === "report")!;
  t.truthy(report);
  t.regex(report.body, /Emails failed permanently: 1 \(last code 550\)/);
  // The next report no longer counts it.
  for (let i = 0; i < 6; i++) {
    w.now += 600;
    await w.wake();
  }
  const reports = w.mailer.deliveredEmails.filter((e) => e.kind === "report");
  t.is(reports.length, 2);
  t.regex(reports[1].body, /Emails failed permanently: 0/);
  t.is(w.logs.filter((l) => /failed permanently/.test(l)).length, 1);
});

test("a transient failure stops this wake's sending, and is retried later with growing backoff", async (t) => {
  const w = new World(baseConfig({ samplePeriodS: 3600 * 6, reportPeriodS: 3600 * 24 }), [steps([70, 85], 60)]);
  await w.wake();
  w.now += 60;
  // The network is down for three attempts.
  w.mailer.plan.push(transient(), transient(), transient());
  const times: number[] = [];
  let r = await w.wake();
  times.push(w.now);
  t.is(r.failed, 1);
  t.false(w.modem.on);
  const sleeps: number[] = [r.sleepS];
  for (let i = 0; i < 3; i++) {
    r = await w.sleepAndWake(r);
    times.push(w.now);
    sleeps.push(r.sleepS);
  }
  const alarmAttempts = w.mailer.emails.filter((e) => e.kind === "alarm");
  t.is(alarmAttempts.length, 4);
  t.true(alarmAttempts[3].delivered);
  t.true(alarmAttempts.every((e) => e.id === alarmAttempts[0].id), "the same id each time");
  // Backoff: 60 s base, doubling, with at most 25% jitter taken off.
  t.true(sleeps[0] >= 45 && sleeps[0] <= 60, String(sleeps));
  t.true(sleeps[1] >= 90 && sleeps[1] <= 120, String(sleeps));
  t.true(sleeps[2] >= 180 && sleeps[2] <= 240, String(sleeps));
  t.is(w.modem.powerOns, w.modem.powerOffs);
});

test("after a transient failure the rest waits: a queued report is not attempted in the same wake", async (t) => {
  const w = new World(baseConfig(), [steps([70, 71, 72, 73, 74, 75, 90])]);
  for (let i = 0; i < 6; i++) {
    await w.wake();
    w.now += 600;
  }
  w.mailer.plan.push(transient());
  const r = await w.wake();
  t.is(w.mailer.emails.length, 1, "only the alarm was tried");
  t.is(w.mailer.emails[0].kind, "alarm");
  t.true(r.sleepS >= 45 && r.sleepS <= 60);
  await w.sleepAndWake(r);
  t.deepEqual(w.mailer.emails.slice(1).map((e) => [e.kind, e.delivered]), [["alarm", true], ["report", true]]);
});

test("the modem is powered off even when power-on or power-off fails, and a power-on failure backs off", async (t) => {
  const w = new World(baseConfig(), [steps([85])]);
  w.modem.failPowerOn = true;
  const r = await w.wake();
  t.is(w.modem.powerOffs, 1);
  t.is(w.mailer.emails.length, 0);
  t.true(r.sleepS >= 45, "not a tight loop");
  t.true(w.logs.some((l) => /power-on failed/.test(l)));
  w.modem.failPowerOn = false;
  w.modem.failPowerOff = true;
  const r2 = await w.sleepAndWake(r);
  t.is(r2.sent, 1);
  t.is(w.modem.powerOffs, 2);
  t.true(w.logs.some((l) => /power-off failed/.test(l)));
});

test("an alarm storm is capped per hour; the rest are counted and announced in the next email", async (t) => {
  // 8 rules on one source that swings across every threshold each wake: 8 events per wake.
  const rules = Array.from({ length: 8 }, (_, i) => ({ id: `r${i}`, source: "temp", direction: "above" as const, threshold: 50 + i, hysteresis: 0.5 }));
  const config = baseConfig({ rules, maxAlarmsPerWindow: 5, stormWindowS: 3600, samplePeriodS: 300, reportPeriodS: 6 * 3600 });
  const w = new World(config, [scripted("temp", "C", (s) => (Math.floor((s - T0) / 300) % 2 === 1 ? 100 : 0))]);
  for (let i = 0; i < 14; i++) {
    await w.wake();
    w.now += 300;
  }
  const alarms = w.mailer.deliveredEmails.filter((e) => e.kind === "alarm");
  // Events from 15:05 on, 8 per wake; the window opened at 15:05 takes 5 and ends at 16:05.
  const firstHour = alarms.filter((e) => Date.parse(/Time: (\S+)/.exec(e.body)![1]) / 1000 < T0 + 3600);
  t.is(firstHour.length, 5);
  const next = alarms[5];
  t.truthy(next);
  const m = /(\d+) more alarms suppressed \(storm cap: 5 alarm emails per 60 min\)/.exec(next.body);
  t.truthy(m, next.body);
  t.is(Number(m![1]), 12 * 8 - 5, "15:05 .. 16:00 is 12 wakes");
});

test("the suppressed count goes into the report when no alarm email follows", async (t) => {
  const rules = [{ id: "hi", source: "temp", direction: "above" as const, threshold: 50, hysteresis: 1 }];
  const config = baseConfig({ rules, maxAlarmsPerWindow: 1, samplePeriodS: 600 });
  const w = new World(config, [steps([0, 100, 0, 100, 0, 0, 0])]);
  for (let i = 0; i < 7; i++) {
    await w.wake();
    w.now += 600;
  }
  const alarms = w.mailer.deliveredEmails.filter((e) => e.kind === "alarm");
  t.is(alarms.length, 1);
  const report = w.mailer.deliveredEmails.find((e) => e.kind === "report")!;
  t.regex(report.body, /Alarms suppressed by the storm cap: 3/);
});

test("sleep: the next sample, report or retry, whichever comes first", async (t) => {
  const w = new World(baseConfig({ samplePeriodS: 7200 }), [steps([70])]);
  const r = await w.wake();
  t.is(r.sleepS, 3600, "the report at 16:00");
  w.now += 3599; // a timer that fires a second early still reports
  const r2 = await w.wake();
  t.true(r2.reportQueued);
  t.is(r2.sleepS, 3601);
});

test("a damaged state blob: rules start inactive, and the history continues after its newest record", async (t) => {
  const w = new World(baseConfig(), [steps([70, 71, 72, 73, 74, 75, 76])]);
  for (let i = 0; i < 3; i++) {
    await w.wake();
    w.now += 600;
  }
  w.state.bytes![30] ^= 0xff;
  for (let i = 0; i < 4; i++) {
    await w.wake();
    w.now += 600;
  }
  t.true(w.logs.some((l) => /state missing or damaged/.test(l)));
  // The fresh schedule's first report (16:00) covers the wakes since the damage, written after the old ones.
  const report = w.mailer.deliveredEmails.find((e) => e.kind === "report")!;
  const rows = parseCsv(report.attachments[0].text);
  t.deepEqual(rows.map((r) => r.value), [73, 74, 75, 76]);
});

test("a wake a few seconds early for the report still names the full hour", async (t) => {
  const w = new World(baseConfig({ samplePeriodS: 3600 }), [steps([70])]);
  await w.wake();
  w.now = T0 + 3600 - 20;
  await w.wake();
  t.regex(w.mailer.emails[0].subject, / report 2026-12-03 16:00Z$/);
});

test("an unexpected error while sending still powers the modem off, and the email stays queued", async (t) => {
  const w = new World(baseConfig(), [steps([85])]);
  const send = w.mailer.send.bind(w.mailer);
  w.mailer.send = async () => {
    throw new TypeError("a bug in the mailer");
  };
  await t.throwsAsync(w.wake(), { instanceOf: TypeError });
  t.is(w.modem.powerOns, 1);
  t.is(w.modem.powerOffs, 1);
  t.false(w.modem.on);
  w.mailer.send = send;
  w.now += 600;
  const r = await w.wake();
  t.is(r.sent, 1);
  t.regex(w.mailer.emails[0].subject, /ALARM tank-high/);
});

test("a clock set back (RTC lost) does not postpone reports for years", async (t) => {
  const w = new World(baseConfig(), [steps([70])]);
  await w.wake();
  w.now = 86400 * 3; // 1970: the board lost power and its RTC
  const r = await w.wake();
  t.true(r.sleepS <= 3600, String(r.sleepS));
});

// ---- the wall clock after a power loss: set from the network's time ------------------------------

const constant = (value: number) => scripted("temp", "C", () => value);

test("after a power loss (RTC at 1970) the first wake that uses the modem sets the clock from the network; later emails carry the right dates and nothing is lost", async (t) => {
  const w = new World(baseConfig(), [constant(85)], { start: 5 }); // 5 s after 1970: an RTC that lost power
  w.clockSettable = true;
  w.modem.network = T0;
  const first = await w.wake(); // 85 > 80: an alarm is due, so the modem is used
  t.true(first.modemUsed);
  t.deepEqual(w.clockSets, [T0]);
  t.is(w.now, T0);
  t.true(w.logs.some((l) => /^warn device clock set from the network time: it was \d+ s behind$/.test(l)), w.logs.join("\n"));
  t.true(first.sleepS >= 10 && first.sleepS <= 600, `sleep ${first.sleepS} s is planned on the clock the wake started with`);
  t.regex(w.mailer.deliveredEmails[0].body, /Time: 1970-01-01T00:00:05Z/, "an alarm decided before the clock was set keeps its time");
  w.modem.network = () => w.now; // the network's clock runs on; the device's is right from now on
  // The next wakes run on the right clock: the report that was due on the 1970 schedule goes out now,
  // with every reading taken, and the one after falls on the next full hour of the real date.
  w.now += first.sleepS;
  await w.wake();
  const report = w.mailer.deliveredEmails.find((e) => e.kind === "report")!;
  t.truthy(report, "the report due since 1970 is sent at once");
  const rows = parseCsv(report.attachments[0].text);
  t.is(rows.length, 2, "both readings: the one from 1970 and the one after the clock was set");
  t.is(rows[0].time, 5);
  t.true(rows[1].time >= T0);
  for (let i = 0; i < 8; i++) {
    w.now += 600;
    await w.wake();
  }
  const reports = w.mailer.deliveredEmails.filter((e) => e.kind === "report");
  t.regex(reports[reports.length - 1].subject, / report 2026-12-03 1[67]:00Z$/);
  t.deepEqual(w.clockSets, [T0], "set once: the clock stayed within tolerance afterwards");
});

test("a clock within 2 s of the network's time is left alone; a clock a year ahead is pulled back without sleeping a year", async (t) => {
  const w = new World(baseConfig(), [constant(85)], { start: T0 });
  w.clockSettable = true;
  w.modem.network = T0 + 2;
  await w.wake();
  t.deepEqual(w.clockSets, []);
  const ahead = new World(baseConfig(), [constant(85)], { start: T0 + 365 * 86400 });
  ahead.clockSettable = true;
  ahead.modem.network = T0;
  const r = await ahead.wake();
  t.deepEqual(ahead.clockSets, [T0]);
  t.true(r.sleepS <= 600, `slept ${r.sleepS} s`);
  t.true(ahead.logs.some((l) => /it was 31536000 s ahead$/.test(l)));
});

test("no network time (no NITZ, a modem clock before 2024, a failed query): the clock is left alone and the wake goes on", async (t) => {
  for (const network of [undefined, Date.UTC(1980, 0, 6) / 1000 + 40, new Error("+CME ERROR: 3")]) {
    const w = new World(baseConfig(), [constant(85)], { start: 5 });
    w.clockSettable = true;
    w.modem.network = network;
    const r = await w.wake();
    t.deepEqual(w.clockSets, [], String(network));
    t.is(w.modem.timeQueries, 1);
    t.is(r.sent, 1, "the alarm went out all the same");
    t.false(w.modem.on, "and the modem was switched off");
    t.true(w.logs.some((l) => /^info (no network time|the modem has no network time)/.test(l)), w.logs.join("\n"));
  }
});

test("the network time is asked for only when the modem was on anyway, and only by a host that can set its clock", async (t) => {
  const idle = new World(baseConfig(), [constant(20)], { start: T0 + 60 });
  idle.clockSettable = true;
  idle.modem.network = T0;
  await idle.wake(); // nothing due: the modem stays off
  t.is(idle.modem.powerOns, 0);
  t.is(idle.modem.timeQueries, 0);
  const fixed = new World(baseConfig(), [constant(85)], { start: 5 });
  fixed.modem.network = T0;
  await fixed.wake();
  t.is(fixed.modem.powerOns, 1);
  t.is(fixed.modem.timeQueries, 0, "no setClock: no AT+CCLK? traffic");
});
