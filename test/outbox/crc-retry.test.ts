import test from "ava";
import fc from "fast-check";
import { crc32 } from "../../src/outbox/crc32";
import { classifyFailure, RETRY_RULES, retryDelaySeconds } from "../../src/outbox/retry";

function bitwiseCrc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

test("CRC-32 of '123456789' is the standard check value 0xCBF43926", (t) => {
  t.is(crc32(new Uint8Array([...("123456789")].map((c) => c.charCodeAt(0)))), 0xcbf43926);
});

test("the nibble-table CRC equals the bitwise definition for any bytes", (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => crc32(bytes) === bitwiseCrc32(bytes)));
  t.pass();
});

test("transient failures back off from 60 s, doubling, capped at 6 h", (t) => {
  const noJitter = () => 0;
  const delays = [1, 2, 3, 4, 8, 9, 20].map((a) => retryDelaySeconds(RETRY_RULES, "transient", a, noJitter));
  t.deepEqual(delays, [60, 120, 240, 480, 7680, 15360, 21600]);
});

test("jitter only shortens the delay, by at most a quarter, and follows the injected source", (t) => {
  t.is(retryDelaySeconds(RETRY_RULES, "transient", 1, () => 0.999999), 45);
  t.is(retryDelaySeconds(RETRY_RULES, "transient", 1, () => 0.5), 52);
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 300 }), fc.double({ min: 0, max: 0.9999999, noNaN: true }), (attempts, r) => {
      const d = retryDelaySeconds(RETRY_RULES, "transient", attempts, () => r);
      const nominal = Math.min(21600, 60 * 2 ** Math.min(attempts - 1, 30));
      return d <= nominal && d >= Math.floor(nominal * 0.75);
    }),
  );
  t.pass();
});

test("a server that says 'later' is retried from a longer base; a refusal is never retried", (t) => {
  t.is(classifyFailure(421, true), "throttled");
  t.is(classifyFailure(451, false), "throttled");
  t.is(classifyFailure(550, false), "permanent");
  t.is(classifyFailure(0, true), "transient");
  t.is(retryDelaySeconds(RETRY_RULES, "throttled", 1, () => 0), 600);
  t.is(retryDelaySeconds(RETRY_RULES, "permanent", 1, () => 0), -1);
});
