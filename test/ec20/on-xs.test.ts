// The mail validation, AT lines, UTF-8 encoder, upload checksum and error table give the same answers
// inside the XS engine (bundled from src/ as the device runs it) as on Node.

import test from "ava";
import fc from "fast-check";
import { XsWorker } from "../../hosts/xs/worker";
import { fileChecksum } from "../../src/ec20/commands";
import { lookupError } from "../../src/ec20/errors";
import { linesOf, utf8Of } from "./xs-entry";

const ENTRY = "test/ec20/xs-entry.ts";

const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const text = fc.oneof(fc.string({ unit: anyUnit, maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 60 }), fc.string({ unit: "grapheme-ascii", maxLength: 110 }));
const mostly = <T>(valid: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) => fc.oneof({ weight: 15, arbitrary: valid }, { weight: 1, arbitrary: bad });
const validAddr = fc.tuple(fc.stringMatching(/^[A-Za-z0-9!#$%&'*+\/=?^_`{|}~-]{1,12}$/), fc.domain()).map(([l, d]) => `${l}@${d}`).filter((a) => a.length <= 50);
const addr = mostly(validAddr, fc.oneof(fc.emailAddress(), text));

test("validation and AT lines: XS equals Node", async (t) => {
  const xs = await XsWorker.start({ entry: ENTRY });
  try {
    const samples = fc.sample(fc.record({
      to: fc.array(addr, { maxLength: 4 }), cc: fc.array(addr, { maxLength: 3 }), bcc: fc.array(addr, { maxLength: 2 }),
      subject: mostly(fc.string({ unit: "grapheme", maxLength: 30 }), text), body: mostly(fc.string({ unit: "grapheme", minLength: 1, maxLength: 60 }), text),
      attachments: fc.array(fc.record({ name: mostly(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,40}\.[a-z]{1,3}$/), text), size: mostly(fc.integer({ min: 1, max: 500 }), fc.constant(0)) }), { maxLength: 3 }),
    }), { numRuns: 300, seed: 42 });
    let accepted = 0;
    for (const input of samples) {
      const json = JSON.stringify(input);
      const node = linesOf(json);
      if ("lines" in node) accepted++;
      t.deepEqual((await xs.call("lines", { json })).value, node, json);
    }
    t.true(accepted > 20, `accepted ${accepted}`);
  } finally {
    await xs.close();
  }
});

test("UTF-8 streaming, checksum, error table and masking: XS equals Node", async (t) => {
  const xs = await XsWorker.start({ entry: ENTRY });
  try {
    for (const [s, chunk] of fc.sample(fc.tuple(fc.string({ unit: anyUnit, maxLength: 50 }), fc.integer({ min: 1, max: 7 })), { numRuns: 100, seed: 7 })) {
      const json = JSON.stringify(s);
      t.deepEqual([...(await xs.call("utf8", { json, chunk })).bytes], [...utf8Of(json, chunk)]);
    }
    for (const bytes of fc.sample(fc.uint8Array({ maxLength: 300 }), { numRuns: 50, seed: 3 })) {
      t.is((await xs.call("checksum", {}, bytes)).value, fileChecksum(bytes));
    }
    t.deepEqual((await xs.call("error", { family: "file", code: 421 })).value, { ...lookupError("file", 421) });
    t.deepEqual((await xs.call("error", { family: "smtp-protocol", code: 421 })).value, { ...lookupError("smtp-protocol", 421) });
    t.deepEqual((await xs.call("masked", { user: "u@example.com", password: "pw123" })).value, {
      line: 'AT+QSMTPCFG="account","u@example.com","pw123"', traceAs: 'AT+QSMTPCFG="account","u@example.com","***"',
    });
  } finally {
    await xs.close();
  }
});
