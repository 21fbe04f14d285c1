// The framer and line views under arbitrary input: never throws, never holds more than its buffer,
// and splits fields exactly as they were formatted.
import test from "ava";
import fc from "fast-check";
import { Framer, LINE_CAPACITY, type FramerSink } from "../../src/at/framer";
import { lineViewOf, type Line } from "../../src/at/line";

function collect(bytes: Uint8Array, cuts: number[] = [], ackMode = false) {
  const lines: string[] = [];
  let overflows = 0;
  let acks = 0;
  const sink: FramerSink = {
    onLine: (line: Line) => {
      if (line.length > LINE_CAPACITY) throw new Error("line exceeds capacity");
      lines.push(line.text());
    },
    onAck: () => acks++,
    onPrompt: () => {},
    onOverflow: () => overflows++,
  };
  const framer = new Framer(sink);
  framer.ackMode = ackMode;
  let last = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length)].sort((a, b) => a - b).concat(bytes.length)) {
    framer.push(bytes, last, cut);
    last = cut;
  }
  return { lines, overflows, acks };
}

test("arbitrary bytes in arbitrary pieces: no exception, lines within capacity, same lines for any cut", (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), fc.array(fc.nat(2000), { maxLength: 20 }), (bytes, cuts) => {
      const whole = collect(bytes);
      const cut = collect(bytes, cuts);
      t.deepEqual(cut, whole);
    }),
    { numRuns: 500 },
  );
});

/** What the framer must do, written the obvious way: a line is a run of bytes between CR/LF (any
 *  other byte, NUL included, belongs to it); empty lines vanish; a line over LINE_CAPACITY is
 *  counted, not delivered (also when it never ends); in ACK mode an `A` where a line would start is
 *  an acknowledgement. */
function reference(bytes: Uint8Array, ackMode: boolean) {
  const lines: string[] = [];
  let overflows = 0;
  let acks = 0;
  let current: number[] | undefined; // undefined: between lines
  for (const b of bytes) {
    if (b === 13 || b === 10) {
      if (current) {
        if (current.length > LINE_CAPACITY) overflows++;
        else lines.push(String.fromCharCode(...current));
      }
      current = undefined;
      continue;
    }
    if (current === undefined) {
      if (ackMode && b === 0x41) {
        acks++;
        continue;
      }
      current = [];
    }
    current.push(b);
  }
  if (current && current.length > LINE_CAPACITY) overflows++;
  return { lines, overflows, acks };
}

// Streams rich in what matters to a framer: CR, LF, NUL (the scan's sentinel value), other control
// bytes, `A`, and runs long enough to cross the 128-byte window and the 256-byte line capacity.
const framerStream = fc
  .array(
    fc.oneof(
      fc.constantFrom(0x0d, 0x0a, 0x00, 0x09, 0x0c, 0x0e, 0x41, 0x3e, 0x4f, 0x4b, 0xff).map((b) => [b]),
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 300 })).map(([b, n]) => new Array<number>(n).fill(b)),
      fc.constantFrom("\r\nOK\r\n", "AT+CSQ\r\r\n", "\r\n+CSQ: 20,99\r\n").map((t) => [...t].map((c) => c.charCodeAt(0))),
    ),
    { maxLength: 60 },
  )
  .map((parts) => Uint8Array.from(parts.flat()));

test("the framer agrees with the obvious line splitter for any bytes, cut anywhere, in and out of ACK mode", (t) => {
  fc.assert(
    fc.property(framerStream, fc.array(fc.nat(6000), { maxLength: 30 }), fc.boolean(), (bytes, cuts, ackMode) => {
      t.deepEqual(collect(bytes, cuts, ackMode), reference(bytes, ackMode));
    }),
    { numRuns: 600 },
  );
});

test("a line longer than the buffer is dropped whole and counted once; the next line survives", (t) => {
  const text = "+QFLST: " + "y".repeat(LINE_CAPACITY * 3) + "\r\nOK\r\n";
  const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
  t.deepEqual(collect(bytes), { lines: ["OK"], overflows: 1, acks: 0 });
});

test("a line of exactly the capacity is kept", (t) => {
  const body = "z".repeat(LINE_CAPACITY);
  const bytes = Uint8Array.from(body + "\r\n", (c) => c.charCodeAt(0));
  t.deepEqual(collect(bytes).lines, [body]);
});

test("a bare A in ACK mode is an acknowledgement, not a line", (t) => {
  const bytes = Uint8Array.from("AA\r\n+QFUPL: 2048,4f64\r\n", (c) => c.charCodeAt(0));
  t.deepEqual(collect(bytes, [], true), { lines: ["+QFUPL: 2048,4f64"], overflows: 0, acks: 2 });
});

const fieldText = fc.string({ unit: fc.constantFrom(..."abcXYZ019 .:@-_+".split("")), maxLength: 20 });
const field = fc.oneof(
  fc.integer({ min: -99999, max: 999999 }).map((n) => ({ raw: String(n), str: String(n), int: n })),
  fieldText.map((s) => ({ raw: `"${s}"`, str: s, int: NaN })),
);

test("fields split back to exactly what was formatted (quoted commas do not split)", (t) => {
  fc.assert(
    fc.property(fc.array(field, { minLength: 1, maxLength: 12 }), (fields) => {
      const line = lineViewOf(`+QTEST: ${fields.map((f) => f.raw).join(",")}`);
      t.is(line.fieldCount(), fields.length);
      fields.forEach((f, i) => {
        t.is(line.str(i), f.str);
        if (!Number.isNaN(f.int)) t.is(line.int(i), f.int);
      });
    }),
    { numRuns: 300 },
  );
});

test("quoted values may hold commas; hex fields parse like the +QFUPL checksum", (t) => {
  const line = lineViewOf('+QSMTPCFG: "sender","Doe, Jane","jane@example.com"');
  t.is(line.fieldCount(), 3);
  t.is(line.str(1), "Doe, Jane");
  t.is(lineViewOf("+QFUPL: 1939,4f64").hex(1), 0x4f64);
  t.is(lineViewOf("+QSSLCFG: \"ciphersuite\",1,0XFFFF").hex(2), 0xffff);
  t.true(Number.isNaN(lineViewOf("+CSQ: x,99").int(0)));
});
