// The AT channel inside the real XS engine. First the lead's scenarios (test/at/scenarios.ts), run
// whole, byte by byte and cut at random points, must give XS the same event logs as on Node. Then
// the channel on the XS host's own port and clock, driven from Node: echo, info lines, a URC between
// echo and OK, a deadline in virtual time, and a data phase through a 7-byte TX window.

import test from "ava";
import fc from "fast-check";
import { scenarios } from "../at/scenarios";
import { XsWorker, latin1 } from "../../hosts/xs/worker";

// ---- the shared scenarios, inside XS ------------------------------------------------------------

let shared: Promise<XsWorker> | undefined;
const scenarioWorker = () => (shared ??= XsWorker.start({ entry: "test/xs/entries/channel-scenarios.ts", name: "scenarios" }));

test.after.always(async () => {
  if (shared) await (await shared).close();
});

test("XS bundles the same scenario list as Node", async (t) => {
  const xs = await scenarioWorker();
  t.deepEqual((await xs.call<string[]>("names")).value, scenarios.map((s) => s.name));
});

scenarios.forEach((scenario, index) => {
  test(`on XS, scenario: ${scenario.name}`, async (t) => {
    const xs = await scenarioWorker();
    t.deepEqual((await xs.call<string[]>("run", { index })).value, scenario.expect);
  });
});

test("on XS, with xsnap's native TextEncoder copying command lines, every scenario gives the same events", async (t) => {
  const xs = await scenarioWorker();
  for (let index = 0; index < scenarios.length; index++) {
    t.deepEqual((await xs.call<string[]>("run", { index, encoder: true })).value, scenarios[index].expect, scenarios[index].name);
  }
});

test("on XS, byte-at-a-time delivery yields the same events for every scenario", async (t) => {
  const xs = await scenarioWorker();
  for (let index = 0; index < scenarios.length; index++) {
    t.deepEqual((await xs.call<string[]>("run", { index, bytewise: true })).value, scenarios[index].expect, scenarios[index].name);
  }
});

test("on XS, any chunking of the same byte stream yields the same events", async (t) => {
  const xs = await scenarioWorker();
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: scenarios.length - 1 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
      async (index, cuts) => {
        const log = (await xs.call<string[]>("run", { index, cuts })).value;
        t.deepEqual(log, scenarios[index].expect, scenarios[index].name);
      },
    ),
    { numRuns: 150 },
  );
});

// ---- the channel on the XS host's port and clock, driven from Node -------------------------------


async function channelOnXs(
  options: { txCapacity?: number; subscribe?: string[] },
  run: (xs: XsWorker) => Promise<void>,
): Promise<void> {
  const xs = await XsWorker.start({ entry: "test/xs/entries/channel-host.ts", name: "channel" });
  try {
    await xs.call("open", options);
    await run(xs);
  } catch (e) {
    await xs.terminate();
    throw e;
  }
  await xs.close(); // rethrows anything that failed in the background (credits, pushes)
}

test("XS host: AT with echo on completes on OK and the echo is dropped", async (t) => {
  await channelOnXs({}, async (xs) => {
    const modem = xs.port("modem");
    await xs.call("submit", { line: "AT", timeoutMs: 300 });
    t.is(modem.takeText(), "AT\r");
    await modem.push("AT\r\r\nOK\r\n");
    t.deepEqual(xs.takeEvents(), [{ name: "done", value: { line: "AT", ok: true, elapsedMs: 0 } }]);
    t.like((await xs.call("stats")).value, { echoes: 1, unknownUrcs: 0 });
  });
});

test("XS host: information lines reach onInfo with their fields", async (t) => {
  await channelOnXs({}, async (xs) => {
    const modem = xs.port("modem");
    await xs.call("submit", { line: "AT+QSMTPDST?", timeoutMs: 300, expect: "+QSMTPDST:" });
    await modem.push('AT+QSMTPDST?\r\r\n+QSMTPDST: 1,"a@b.c"\r\n+QSMTPDST: 2,"d@e.f"\r\n\r\nOK\r\n');
    t.deepEqual(
      xs.takeEvents().map((e) => [e.name, e.value]),
      [
        ["info", { line: "AT+QSMTPDST?", text: '+QSMTPDST: 1,"a@b.c"', fields: ["1", "a@b.c"] }],
        ["info", { line: "AT+QSMTPDST?", text: '+QSMTPDST: 2,"d@e.f"', fields: ["2", "d@e.f"] }],
        ["done", { line: "AT+QSMTPDST?", ok: true, elapsedMs: 0 }],
      ],
    );
  });
});

test("XS host: a URC between the echo and OK goes to its subscriber, not to the command", async (t) => {
  await channelOnXs({ subscribe: ["+QIURC:"] }, async (xs) => {
    const modem = xs.port("modem");
    await xs.call("submit", { line: "AT+QIACT?", timeoutMs: 300, expect: "+QIACT:" });
    // Cut inside the URC to make the framer join it across two reads.
    await modem.push('AT+QIACT?\r\r\n+QIURC: "pdp');
    await modem.push('deact",1\r\n+QIACT: 1,1,1,"10.0.0.1"\r\n\r\nOK\r\n');
    t.deepEqual(
      xs.takeEvents().map((e) => e.name),
      ["urc", "info", "done"],
    );
    t.like((await xs.call("stats")).value, { unknownUrcs: 0 });
  });
});

test("XS host: the deadline fires when Node advances virtual time to it, not before", async (t) => {
  await channelOnXs({}, async (xs) => {
    await xs.call("submit", { line: "AT+QIACT=1", timeoutMs: 150_000 });
    t.is(xs.nextDue, 150_000);
    await xs.advance(149_999);
    t.deepEqual(xs.takeEvents(), []);
    await xs.advance(1);
    t.deepEqual(xs.takeEvents(), [
      { name: "done", value: { line: "AT+QIACT=1", ok: false, kind: "timeout", code: 0, elapsedMs: 150_000 } },
    ]);
    // A late OK is counted as stray, not given to anyone.
    await xs.port("modem").push("\r\nOK\r\n");
    t.like((await xs.call("stats")).value, { strayResults: 1 });
  });
});

test("XS host: a data phase streams exactly its length through a port that takes 7 bytes at a time", async (t) => {
  await channelOnXs({ txCapacity: 7 }, async (xs) => {
    const modem = xs.port("modem");
    const writes: number[] = [];
    modem.onTx((bytes) => writes.push(bytes.length));
    await xs.call("submit", { line: "AT+QSMTPBODY=1,40", timeoutMs: 5000, dataLength: 40 });
    await xs.idle(); // every 7-byte credit round trip of the command line
    t.is(modem.takeText(), "AT+QSMTPBODY=1,40\r");
    writes.length = 0;
    await modem.push("\r\nCONNECT\r\n");
    await xs.idle();
    const data = latin1(modem.takeWritten());
    t.is(data, "abcdefghijklmnopqrstuvwxyzabcdefghijklmn");
    t.true(writes.every((n) => n <= 7), `writes: ${writes.join(",")}`);
    t.deepEqual(writes, [7, 7, 7, 7, 7, 5]);
    await modem.push("\r\nOK\r\n");
    const events = xs.takeEvents();
    t.deepEqual(events.at(-1), { name: "done", value: { line: "AT+QSMTPBODY=1,40", ok: true, elapsedMs: 0 } });
    t.true(events.some((e) => e.name === "progress" && (e.value as { sent: number }).sent === 40));
  });
});
