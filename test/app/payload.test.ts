// The compact formats the app keeps across resets: outbox payloads and the state blob decode to what
// was encoded (within float32 for values), stay within their stated bounds, and refuse damage.
import test from "ava";
import fc from "fast-check";
import { AppConfigError, MAX_RULES, MAX_SOURCES, validateAppConfig } from "../../src/app/config";
import { decodePayload, encodeAlarm, encodeReport, MAX_PAYLOAD_BYTES, PayloadError, type AlarmPayload, type ReportPayload } from "../../src/app/payload";
import { decodeState, encodeState, initialState, MAX_STATE_BYTES } from "../../src/app/state";
import { baseConfig, scripted } from "./fakes";

const id = fc.stringMatching(/^[A-Za-z0-9_.-]{1,15}$/);
const unit = fc.stringMatching(/^[A-Za-z%/]{0,7}$/);
const f32 = fc.float({ noNaN: true, noDefaultInfinity: true });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

test("property: alarm payloads round-trip", (t) => {
  fc.assert(fc.property(fc.record({
    kind: fc.constant("alarm" as const), event: fc.constantFrom("raised" as const, "cleared" as const),
    direction: fc.constantFrom("above" as const, "below" as const), decimals: fc.integer({ min: 0, max: 6 }),
    time: u32, value: f32, threshold: f32, hysteresis: f32, suppressed: fc.integer({ min: 0, max: 65535 }),
    eventSeq: u32, rule: id, source: id, unit,
  }), (p: AlarmPayload) => {
    const bytes = encodeAlarm(p);
    t.true(bytes.length <= 76);
    t.deepEqual(decodePayload(bytes), p);
  }));
});

test("property: report payloads round-trip and stay within MAX_PAYLOAD_BYTES", (t) => {
  const summary = fc.record({ id, unit, decimals: fc.integer({ min: 0, max: 6 }), count: fc.integer({ min: 0, max: 65535 }), min: f32, max: f32, avg: f32, last: f32 });
  fc.assert(fc.property(fc.record({
    kind: fc.constant("report" as const), suppressed: fc.integer({ min: 0, max: 65535 }), fromTime: u32, toTime: u32,
    fromSeq: u32, toSeq: u32, eventSeq: u32, sources: fc.array(summary, { minLength: 0, maxLength: MAX_SOURCES }),
  }), (p: ReportPayload) => {
    const bytes = encodeReport(p);
    t.true(bytes.length <= MAX_PAYLOAD_BYTES);
    t.deepEqual(decodePayload(bytes), p);
  }));
  t.throws(() => decodePayload(new Uint8Array([0x42])), { instanceOf: PayloadError });
  t.throws(() => decodePayload(encodeReport({ kind: "report", suppressed: 0, fromTime: 0, toTime: 0, fromSeq: 0, toSeq: 0, eventSeq: 0,
    sources: [{ id: "a", unit: "", decimals: 2, count: 0, min: 0, max: 0, avg: 0, last: 0 }] }).subarray(0, 30)), { instanceOf: PayloadError });
});

test("the largest state (16 rules, a full journal) fits NVS's 4000 bytes and survives only intact", (t) => {
  const state = initialState(7, MAX_RULES);
  for (let i = 0; i < MAX_RULES; i++) state.journal.push({ kind: "alarm", payload: new Uint8Array(76).fill(i) });
  state.journal.push({ kind: "report", payload: new Uint8Array(MAX_PAYLOAD_BYTES).fill(0xee) });
  const bytes = encodeState(state);
  t.true(bytes.length < 2200, String(bytes.length));
  t.true(bytes.length <= MAX_STATE_BYTES);
  t.deepEqual(decodeState(bytes), state);
  for (let i = 0; i < bytes.length; i += 7) {
    const damaged = bytes.slice();
    damaged[i] ^= 0x10;
    t.is(decodeState(damaged), undefined, `flip at ${i}`);
  }
  t.is(decodeState(bytes.subarray(0, bytes.length - 1)), undefined);
});

test("configuration problems are named before anything runs", (t) => {
  const temp = scripted("temp", "C", () => 1);
  t.notThrows(() => validateAppConfig(baseConfig(), [temp]));
  const error = t.throws(() => validateAppConfig(baseConfig({
    deviceName: "bad\"name", rules: [{ id: "x", source: "nope", direction: "above", threshold: 1, hysteresis: -1 }],
  }), [temp, scripted("temp", "C,", () => 1)]), { instanceOf: AppConfigError })!;
  t.deepEqual(error.problems.map((p) => p.field).sort(), ["deviceName", "rules[0].hysteresis", "rules[0].source", "sources[1].id", "sources[1].unit"].sort());
});
