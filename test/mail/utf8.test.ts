// Our UTF-8 (XS has no TextEncoder) agrees with Node's on every string, streams in any chunk size
// without splitting a character wrongly, and decodes strictly.

import test from "ava";
import fc from "fast-check";
import { decodeUtf8, encodeUtf8Into, fromHex, scanUtf16, toHex, utf8Problem, Utf8StringSource } from "../../src/mail/utf8";

/** Any UTF-16 code units, lone surrogates included. */
const anyUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 200 });
const wellFormed = fc.string({ unit: "grapheme", maxLength: 200 });

function streamAll(text: string, chunk: number): Uint8Array {
  const source = new Utf8StringSource(text);
  const parts: number[] = [];
  const buffer = new Uint8Array(chunk);
  for (;;) {
    const n = source.read(buffer);
    if (n === 0) break;
    t_assert(n <= chunk);
    for (let i = 0; i < n; i++) parts.push(buffer[i]);
  }
  return Uint8Array.from(parts);
}
function t_assert(ok: boolean): void {
  if (!ok) throw new Error("read returned more than the chunk");
}

test("streaming encoder equals Node's UTF-8 for any string and any chunk size (lone surrogates -> U+FFFD)", (t) => {
  fc.assert(fc.property(anyUnits, fc.integer({ min: 1, max: 9 }), (text, chunk) => {
    const ours = streamAll(text, chunk);
    const node = new Uint8Array(Buffer.from(text, "utf8"));
    return Buffer.compare(ours, node) === 0 && scanUtf16(text).bytes === node.length;
  }));
  t.pass();
});

test("scan: ASCII detection, byte length, lone-surrogate position", (t) => {
  t.deepEqual(scanUtf16("TEST SMTP"), { bytes: 9, ascii: true, loneSurrogate: -1 });
  t.deepEqual(scanUtf16("café"), { bytes: 5, ascii: false, loneSurrogate: -1 });
  t.deepEqual(scanUtf16("a😀"), { bytes: 5, ascii: false, loneSurrogate: -1 });
  t.is(scanUtf16("ab\ud800c").loneSurrogate, 2);
  t.is(scanUtf16("ab\udc00").loneSurrogate, 2);
});

test("decode round-trips well-formed strings and rejects what Node's fatal decoder rejects", (t) => {
  fc.assert(fc.property(wellFormed, (text) => {
    const bytes = new Uint8Array(scanUtf16(text).bytes);
    encodeUtf8Into(text, bytes);
    return decodeUtf8(bytes) === text;
  }));
  const fatal = new TextDecoder("utf-8", { fatal: true });
  fc.assert(fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
    let expected: string | undefined;
    try { expected = fatal.decode(bytes); } catch { expected = undefined; }
    return decodeUtf8(bytes) === expected && (utf8Problem(bytes) < 0) === (expected !== undefined);
  }), { numRuns: 5000 });
  t.is(decodeUtf8(Uint8Array.of(0xc0, 0x80)), undefined); // overlong NUL
  t.is(decodeUtf8(Uint8Array.of(0xed, 0xa0, 0x80)), undefined); // encoded surrogate
});

test("hex: uppercase like the manual, and back", (t) => {
  // The manual (2.3) calls "7465737420534D5450" the hex of "TEST SMTP"; 0x74 is 't', so it is "test SMTP".
  const bytes = new Uint8Array(Buffer.from("test SMTP"));
  t.is(toHex(bytes), "7465737420534D5450");
  t.deepEqual(fromHex("7465737420534d5450"), bytes);
  t.is(fromHex("ABC"), undefined);
  t.is(fromHex("GG"), undefined);
});
