// Fuzzing what the existing properties (test/at/framer, test/at/channel, test/mail/at-injection) leave
// out: the channel's bounded memory and the consistency of its counters under generated streams,
// the bound on its queue, and the PDP settings (APN, PDP credentials) as AT lines. Bounded in runs
// and time so `npm test` stays quick.
import test from "ava";
import fc from "fast-check";
import { AtChannel, QUEUE_CAPACITY } from "../../src/at/channel";
import { LINE_CAPACITY } from "../../src/at/framer";
import { ArgumentError, buildCommand } from "../../src/ec20/commands/declare";
import { configurePdp, QICSGP_WRITE, type PdpSettings } from "../../src/ec20/commands/pdp";
import type { AtCommand } from "../../src/at/types";
import { ScriptedPort, VirtualClock } from "../at/fakes";
import { parseAtLine } from "../ec20/parse-at-line";
import { echoesSecret } from "../security/echo";

const LIMITS = { interruptAfterTimeLimit: 8_000 } as const;
const CR = 0x0d;
const LF = 0x0a;

/** Bytes that make lines of every kind: terminators, results, echoes, URCs, and long runs. */
const piece = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.constantFrom("\r\n", "\r", "\n", "OK", "ERROR", "+CME ERROR: 652", "AT+QSMTPPUT=300", "at", "RDY", "+QIURC: \"pdpdeact\",1",
    "CONNECT", "NO CARRIER", "+QSMTPPUT: 0,0", "A", ">").map((s) => Uint8Array.from(Buffer.from(s, "latin1"))),
  fc.integer({ min: LINE_CAPACITY - 2, max: LINE_CAPACITY * 3 }).map((n) => new Uint8Array(n).fill(0x58)),
);

/** The reference: segments between CR/LF; those longer than the buffer are overflows, the rest lines. */
function model(stream: Uint8Array): { lines: number; overflows: number } {
  let lines = 0;
  let overflows = 0;
  let length = 0;
  for (const b of stream) {
    if (b === CR || b === LF) {
      if (length > LINE_CAPACITY) overflows++;
      else if (length > 0) lines++;
      length = 0;
    } else length++;
  }
  if (length > LINE_CAPACITY) overflows++; // found as soon as it no longer fits, terminated or not
  return { lines, overflows };
}

test("any byte stream, cut anywhere, into an idle channel: no exception, no line above capacity, every line counted once", (t) => {
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }), fc.array(fc.nat(4096), { maxLength: 12 }), (pieces, cuts) => {
      const stream = Uint8Array.from(pieces.flatMap((p) => [...p]));
      const clock = new VirtualClock();
      const port = new ScriptedPort(128);
      let longest = 0;
      let subscribed = 0;
      const channel = new AtChannel({
        open: port.open, clock,
        trace: (direction, text) => {
          if (direction === "rx") longest = Math.max(longest, text.length);
        },
      });
      channel.subscribe("+QIURC:", () => subscribed++);
      const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
      let from = 0;
      for (const to of [...points, stream.length]) {
        port.receive(stream.subarray(from, to));
        from = to;
      }
      const expected = model(stream);
      const s = channel.stats;
      t.true(longest <= LINE_CAPACITY, `a line of ${longest} bytes reached the channel`);
      t.is(s.overflowLines, expected.overflows);
      t.is(s.echoes + s.strayResults + s.unknownUrcs + subscribed, expected.lines, "each line lands in exactly one place");
      t.is(s.acks, 0, "no ACK outside an ACK-mode upload");
    }),
    { numRuns: 400, ...LIMITS },
  );
});

test("the queue never grows past its capacity: extra commands fail busy at once; every command ends exactly once", (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 3 * QUEUE_CAPACITY }), fc.array(piece, { maxLength: 20 }), (n, pieces) => {
      const clock = new VirtualClock();
      const port = new ScriptedPort(64);
      const channel = new AtChannel({ open: port.open, clock });
      const ends = new Array<number>(n).fill(0);
      const kinds: string[] = [];
      for (let i = 0; i < n; i++) {
        const command: AtCommand = { line: `AT+TEST=${i}`, timeoutMs: 500 };
        channel.submit(command, (error) => {
          ends[i]++;
          kinds[i] = error ? error.kind : "ok";
        });
      }
      const busyAtOnce = kinds.filter((k) => k === "busy").length;
      t.is(busyAtOnce, Math.max(0, n - 1 - QUEUE_CAPACITY), "one in flight, QUEUE_CAPACITY waiting, the rest refused");
      for (const p of pieces) {
        port.receive(p);
        clock.advance(50);
      }
      clock.advance(n * 1000 + 10_000);
      t.true(ends.every((e) => e === 1), "done() exactly once each");
      t.false(channel.busy);
    }),
    { numRuns: 200, ...LIMITS },
  );
});

const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const hostile = fc.oneof(
  fc.string({ unit: anyUnit, maxLength: 80 }),
  fc.array(fc.oneof(fc.constantFrom('"', "\r", "\n", "\\", ",", "\u0000", "é", "+++", "AT+QPOWD", '",1,"'), fc.string({ unit: "grapheme-ascii", maxLength: 6 })), { maxLength: 12 }).map((a) => a.join("")),
);
const mostly = <T>(valid: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) => fc.oneof({ weight: 9, arbitrary: valid }, { weight: 1, arbitrary: bad });
const printable = (max: number) => fc.string({ unit: "grapheme-ascii", maxLength: max });

test("PDP settings: every accepted APN and credential parses back exactly from its AT line; credentials are masked in the trace", async (t) => {
  let accepted = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        contextId: mostly(fc.integer({ min: 1, max: 16 }), fc.integer()),
        apn: mostly(printable(62), hostile),
        username: mostly(printable(126), hostile),
        password: mostly(printable(126), hostile),
        authentication: fc.constantFrom(0, 1, 2, 3),
      }),
      async (input) => {
        const sent: AtCommand[] = [];
        const ch = { run: async (command: AtCommand) => void sent.push(command) };
        try {
          await configurePdp(ch, input as PdpSettings);
        } catch (e) {
          if (!(e instanceof ArgumentError)) throw e;
          refused++;
          t.is(sent.length, 0, "nothing sent for a refused value");
          const messageFor = (password: string) => {
            try {
              // configurePdp's arguments, built synchronously (the same validation, no channel).
              buildCommand(QICSGP_WRITE, [input.contextId, 1, input.apn, input.username, password, input.authentication]);
              return "";
            } catch (other) {
              return (other as Error).message;
            }
          };
          t.false(echoesSecret(input.password, e.message, messageFor), "the error does not echo the password");
          return;
        }
        accepted++;
        t.is(sent.length, 1);
        const args = parseAtLine(sent[0].line).args.map((a) => a.text);
        t.deepEqual(args, [String(input.contextId), "1", input.apn, input.username, input.password, String(input.authentication)]);
        const masked = parseAtLine(sent[0].traceAs!).args.map((a) => a.text);
        t.deepEqual(masked, [String(input.contextId), "1", input.apn, "***", "***", String(input.authentication)], "credentials masked");
      },
    ),
    { numRuns: 1500, ...LIMITS },
  );
  t.log(`accepted ${accepted}, refused ${refused}`);
  t.true(accepted > 100 && refused > 20);
});
