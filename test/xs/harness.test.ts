// Proves the XS test host: code from src/ bundled and run in the real XS engine, values and bytes
// both ways, virtual time moved from Node, XS's meter read, and failures inside XS failing tests.

import test from "ava";
import { VirtualClock } from "../../sim/scheduler";
import { bundleForXs, repoRoot } from "../../hosts/xs/bundle";
import { advanceTogether, PortLink } from "../../hosts/xs/port-link";
import { XsError, XsWorker, latin1 } from "../../hosts/xs/worker";

const ENTRY = "test/xs/entries/harness.ts";

async function withXs(run: (xs: XsWorker) => Promise<void>, options: Parameters<typeof XsWorker.start>[0] = {}) {
  const xs = await XsWorker.start({ entry: ENTRY, ...options });
  try {
    await run(xs);
  } catch (e) {
    await xs.terminate();
    throw e;
  }
  await xs.close(); // rethrows anything that failed in the background (credits, pushes)
}

test("a bundled module from src/ runs in XS and answers with JSON and bytes", async (t) => {
  await withXs(async (xs) => {
    const reply = await xs.call<{ args: unknown; byteCount: number; silentLog: string }>(
      "echo",
      { hello: "xs", n: 3 },
      new Uint8Array([1, 2, 3, 4]),
    );
    t.deepEqual(reply.value, { args: { hello: "xs", n: 3 }, byteCount: 4, silentLog: "function" });
    const reversed = await xs.call("reverse", undefined, new Uint8Array([1, 2, 3, 250]));
    t.deepEqual([...reversed.bytes], [250, 3, 2, 1]);
    t.is((await xs.call("later", { value: 21 })).value, 42, "a promise settled within the call is awaited");
  });
});

test("bytes pushed into the XS port come back through its writes", async (t) => {
  await withXs(async (xs) => {
    const modem = xs.port("modem");
    // Split mid-line: the framer in XS must join the pieces.
    await modem.push("PI");
    await modem.push("NG 7\r\nPING 8\r");
    await modem.push("\n");
    await xs.idle();
    t.is(modem.takeText(), "PONG 7\r\nPONG 8\r\n");
    t.deepEqual(
      xs.takeEvents().map((e) => e.value),
      ["PING 7", "PING 8"],
    );
    t.deepEqual(xs.logs.slice(-2), [
      { level: "debug", message: "rx PING 7" },
      { level: "debug", message: "rx PING 8" },
    ]);
    const stats = await modem.stats();
    t.is(stats.rxBytes, 16);
    t.is(stats.txBytes, 16);
  });
});

test("writes never exceed the TX space Node has returned", async (t) => {
  await withXs(async (xs) => {
    const modem = xs.port("modem");
    modem.autoCredit = false; // a UART that has not sent anything yet
    await xs.call("send", { text: "x".repeat(200) + "\r\n" });
    t.is(modem.takeWritten().length, 128, "only the 128-byte TX FIFO was written");
    await modem.credit(50);
    t.is(modem.takeWritten().length, 50);
    await modem.credit(128);
    t.is(modem.takeWritten().length, 24);
    t.is((await modem.stats()).txBytes, 202);
  });
});

test("bytes beyond the receive FIFO are dropped and counted when the app does not read", async (t) => {
  await withXs(async (xs) => {
    const deaf = xs.port("deaf");
    t.like(await deaf.push(new Uint8Array(100)), { accepted: 100, dropped: 0 });
    t.like(await deaf.push(new Uint8Array(100)), { accepted: 28, dropped: 72 });
    t.like(await deaf.stats(), { rxBytes: 128, rxDropped: 72, available: 128 });
  });
});

test("a timer in XS fires exactly when Node advances virtual time to its deadline", async (t) => {
  await withXs(async (xs) => {
    await xs.call("timer", { ms: 500, text: "TICK" });
    await xs.call("timer", { ms: 500, text: "TOCK" });
    t.is(xs.nextDue, 500);
    await xs.advance(499);
    t.deepEqual(xs.takeEvents(), []);
    t.is(xs.port("modem").takeText(), "");
    await xs.advance(1);
    t.deepEqual(xs.takeEvents(), [
      { name: "timer", value: { at: 500, text: "TICK" } },
      { name: "timer", value: { at: 500, text: "TOCK" } },
    ]);
    t.is(xs.port("modem").takeText(), "TICK\r\nTOCK\r\n");
    t.is(xs.nextDue, null);
  });
});

test("promise jobs started by a timer run before the next deadline", async (t) => {
  await withXs(async (xs) => {
    await xs.call("chainedTimers", { ms: 100 });
    await xs.advance(1000);
    t.deepEqual(xs.takeEvents(), [{ name: "chained", value: 200 }]);
    t.is(xs.now, 1000);
  });
});

test("XS time follows a Node clock, and a PortLink paces writes at the baud rate", async (t) => {
  const clock = new VirtualClock();
  await withXs(
    async (xs) => {
      const received: string[] = [];
      const link = new PortLink(xs, "modem", { write: (bytes) => received.push(latin1(bytes)) }, { baud: 1000, clock });
      await clock.advance(1000); // the Node clock is ahead of XS's; the next call brings XS along
      await xs.call("timer", { ms: 250, text: "T" });
      t.is(xs.nextDue, 1250);
      let pong = "";
      const modem = xs.port("modem");
      modem.onTx((bytes) => (pong += latin1(bytes)));
      link.fromPeer(new TextEncoder().encode("PING 1\r\n"));
      await advanceTogether(clock, xs, () => clock.now() >= 1300, { stepMs: 10 });
      t.deepEqual(received, ["PONG 1\r\n", "T\r\n"]);
      const timer = xs.takeEvents().find((e) => e.name === "timer");
      t.deepEqual(timer?.value, { at: 1250, text: "T" }, "fired at its deadline on the shared timeline");
      // 8 bytes at 1000 baud take 80 ms of clock time: a long line must wait for TX space.
      const before = received.length;
      const sentAt = clock.now();
      await xs.call("send", { text: "y".repeat(300) });
      await advanceTogether(clock, xs, () => received.join("").includes("y".repeat(300)), { stepMs: 10 });
      t.deepEqual(
        received.slice(before).map((piece) => piece.length),
        [128, 128, 44],
        "written in FIFO-sized pieces as the UART sent each",
      );
      // The last piece can only go once 256 bytes have left the FIFO: 256 ms at 1000 baud.
      t.true(clock.now() - sentAt >= 256, `took ${clock.now() - sentAt} ms`);
      link.close();
    },
    { clock },
  );
});

test("every call reports XS's meter, and the same work costs the same compute", async (t) => {
  await withXs(async (xs) => {
    const small = await xs.call("work", { n: 10 });
    const large = await xs.call("work", { n: 10_000 });
    const again = await xs.call("work", { n: 10_000 });
    t.log(`compute: n=10 -> ${small.meter.compute}, n=10000 -> ${large.meter.compute}; heap slots ${large.meter.currentHeapCount}`);
    t.true(small.meter.compute > 0);
    t.true(large.meter.compute > small.meter.compute * 100);
    t.is(again.meter.compute, large.meter.compute);
    t.true(large.meter.currentHeapCount > 0);
    const afterGc = await xs.gc();
    t.true(afterGc.currentHeapCount > 0);
  });
});

test("an exception inside XS rejects the call with its type and message; the worker carries on", async (t) => {
  await withXs(async (xs) => {
    const error = await t.throwsAsync(xs.call("throw"), { instanceOf: XsError });
    t.is(error?.xsName, "TypeError");
    t.regex(error?.message ?? "", /deliberate failure inside XS/);
    await xs.call("failingTimer", { ms: 10 });
    await t.throwsAsync(xs.advance(10), { message: /RangeError: timer callback failed/ });
    await t.throwsAsync(xs.call("never"), { message: /did not settle/ });
    t.is((await xs.call("work", { n: 3 })).value, 3);
  });
});

test.failing("a test that lets an XS exception through fails (this one is expected to)", async (t) => {
  await withXs(async (xs) => {
    await xs.call("throw");
    t.pass();
  });
});

test("runaway code in XS hits the compute limit and fails the call instead of hanging", async (t) => {
  await withXs(
    async (xs) => {
      await t.throwsAsync(xs.call("spin"), { message: /too much computation|exited/ });
      await xs.terminate(); // the worker is gone; nothing to close
    },
    { meteringLimit: 1_000_000 },
  );
});

test("an entry that throws while loading fails XsWorker.start", async (t) => {
  const { mkdtemp, writeFile } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const dir = await mkdtemp(`${tmpdir()}/xs-entry-`);
  await writeFile(
    `${dir}/broken.ts`,
    `import { xsHost } from ${JSON.stringify(`${repoRoot}/hosts/xs/xs-host`)};\n` +
      `xsHost();\nthrow new Error("broken entry");\n`,
  );
  await t.throwsAsync(XsWorker.start({ entry: `${dir}/broken.ts` }), { message: /broken entry/ });
});

test("a bundle that imports a Node built-in is refused", async (t) => {
  const { mkdtemp, writeFile } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const dir = await mkdtemp(`${tmpdir()}/xs-bundle-`);
  await writeFile(`${dir}/bad.ts`, `import { readFileSync } from "node:fs"; readFileSync("x");\n`);
  await t.throwsAsync(bundleForXs(`${dir}/bad.ts`));
});
