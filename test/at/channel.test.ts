// The AT channel on Node: every scenario, then the same byte streams cut at arbitrary points.
import test from "ava";
import fc from "fast-check";
import { chunkerFrom, runScenario } from "./scenario";
import { scenarios } from "./scenarios";

for (const scenario of scenarios) {
  test(`scenario: ${scenario.name}`, (t) => {
    t.deepEqual(runScenario(scenario), scenario.expect);
  });
}


test("any chunking of the same byte stream yields the same events", (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: scenarios.length - 1 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
      (index, cuts) => {
        const scenario = scenarios[index];
        t.deepEqual(runScenario(scenario, chunkerFrom(cuts)), scenario.expect, scenario.name);
      },
    ),
    { numRuns: 400 },
  );
});

test("with the host's native TextEncoder copying command lines, every scenario gives the same events", (t) => {
  for (const scenario of scenarios) {
    t.deepEqual(runScenario(scenario, undefined, new TextEncoder()), scenario.expect, scenario.name);
  }
});

test("a URC prefix must have two characters at least (the dispatch compares two bytes before the rest)", (t) => {
  const channel = new AtChannel({ open: new ScriptedPort(128, true).open, clock: new VirtualClock() });
  t.throws(() => channel.subscribe("+", () => {}), { instanceOf: RangeError });
  t.throws(() => channel.subscribe("", () => {}), { instanceOf: RangeError });
  t.notThrows(() => channel.subscribe("OK", () => {}));
});

test("byte-at-a-time delivery yields the same events for every scenario", (t) => {
  for (const scenario of scenarios) {
    t.deepEqual(runScenario(scenario, (bytes) => bytes.map((b) => [b])), scenario.expect, scenario.name);
  }
});

import { AtChannel } from "../../src/at/channel";
import { ScriptedPort, VirtualClock } from "./fakes";

test("garbage, noise and lost bytes never throw out of the channel, and every command ends", (t) => {
  const noise = fc.constantFrom("\r\nOK\r\n", "\r\nERROR\r\n", "\r\n+CME ERROR: 652\r\n", "\r\nCONNECT\r\n", "A", "+++", "\r\nRDY\r\n", "\r", "\n", "\r\n+QSMTPPUT: 0,0\r\n");
  fc.assert(
    fc.property(fc.array(fc.oneof(noise, fc.string({ maxLength: 40 })), { maxLength: 40 }), fc.array(fc.nat(5), { maxLength: 6 }), (pieces, kinds) => {
      const clock = new VirtualClock();
      const port = new ScriptedPort(16);
      const channel = new AtChannel({ open: port.open, clock });
      let ended = 0;
      kinds.forEach((kind, i) => {
        channel.submit(
          {
            line: `AT+TEST=${i}`,
            timeoutMs: 1000,
            expect: kind === 1 ? "" : "+QFUPL:",
            data: kind >= 2 ? { length: 50, ackBlock: kind === 3 ? 16 : undefined, source: { read: (b) => b.length } } : undefined,
            awaitUrc: kind === 4 ? { prefix: "+QSMTPPUT:", timeoutMs: 5000, onUrc: () => {} } : undefined,
          },
          () => ended++,
        );
      });
      for (const piece of pieces) {
        port.receiveText(piece);
        clock.advance(100);
      }
      clock.advance(1_000_000); // every deadline passes
      t.is(ended, kinds.length);
    }),
    { numRuns: 300 },
  );
});

test("abortAll (the modem restarted): the command in flight and the queue fail with reset at once, no +++", (t) => {
  const clock = new VirtualClock();
  const port = new ScriptedPort(128);
  const channel = new AtChannel({ open: port.open, clock });
  const outcomes: string[] = [];
  channel.submit({ line: "AT+QSMTPBODY=0,100,30", timeoutMs: 40_000, data: { length: 100, source: { read: (b) => b.length } } }, (e) => outcomes.push(e ? e.kind : "ok"));
  channel.submit({ line: "AT+QSMTPPUT=300", timeoutMs: 1000 }, (e) => outcomes.push(e ? e.kind : "ok"));
  port.receiveText("\r\nCONNECT\r\n");
  channel.subscribe("RDY", () => channel.abortAll());
  port.receiveText("\r\nRDY\r\n");
  t.deepEqual(outcomes, ["reset", "reset"]);
  port.takeWritten();
  clock.advance(5000);
  t.is(port.takeWritten(), "", "no +++ and nothing else after the restart");
  channel.submit({ line: "AT", timeoutMs: 300 }, (e) => outcomes.push(e ? e.kind : "ok"));
  port.receiveText("\r\nOK\r\n");
  t.deepEqual(outcomes, ["reset", "reset", "ok"], "the channel keeps working");
});
