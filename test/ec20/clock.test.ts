// The modem's clock (AT+CCLK?, 3GPP TS 27.007 8.15) as the device reads it to set its own clock after a
// power loss: the format parsed back to the exact UTC second for any date and zone, nonsense refused,
// and the query through the real channel and the simulator, before and after the network gave its time.

import test from "ava";
import fc from "fast-check";
import { createSimulator, VirtualClock } from "../../sim/index";
import { formatCclk } from "../../sim/commands/general";
import { AtChannel } from "../../src/at/channel";
import { lineViewOf } from "../../src/at/line";
import { parseModemClock } from "../../src/ec20/clock";
import { CCLK_READ, readModemClock } from "../../src/ec20/commands/general";
import { ModemError } from "../../src/ec20/errors";

test("27.007's own example: 6 May 1994, 22:10:00 local at GMT+2 hours", (t) => {
  t.deepEqual(parseModemClock("94/05/06,22:10:00+08"), { utcSeconds: Date.UTC(1994, 4, 6, 20, 10, 0) / 1000, zoneQuarters: 8 });
});

test("any second of 2000-2079 in any zone (-96..+96 quarter hours) parses back to the same UTC second", (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: Date.UTC(2000, 0, 1, 12) / 1000, max: Date.UTC(2079, 11, 30) / 1000 }),
      fc.integer({ min: -96, max: 96 }),
      (utc, zone) => {
        const text = formatCclk(utc * 1000, zone);
        t.deepEqual(parseModemClock(text), { utcSeconds: utc, zoneQuarters: zone }, text);
      },
    ),
    { numRuns: 500 },
  );
});

test("without a zone the time is taken as UTC; two-digit years from 80 are 19yy", (t) => {
  t.is(parseModemClock("26/12/03,16:00:05")?.utcSeconds, Date.UTC(2026, 11, 3, 16, 0, 5) / 1000);
  t.is(parseModemClock("80/01/06,00:00:00+00")?.utcSeconds, Date.UTC(1980, 0, 6) / 1000);
  t.is(parseModemClock("79/12/31,23:59:59-04")?.utcSeconds, Date.UTC(2080, 0, 1, 0, 59, 59) / 1000);
});

test("what is not a real date and time is refused, not guessed at", (t) => {
  for (const text of [
    "", "26/13/01,00:00:00+00", "26/02/29,00:00:00+00", "26/04/31,00:00:00", "26/12/03,24:00:00", "26/12/03,12:60:00",
    "26/12/03,12:00:60", "26/12/03,12:00:00+97", "26/12/03 12:00:00", "2026/12/03,12:00:00", "26/12/3,12:00:00",
    '"26/12/03,12:00:00"', "26/12/03,12:00:00+04,0",
  ]) {
    t.is(parseModemClock(text), undefined, text);
  }
  t.truthy(parseModemClock("28/02/29,00:00:00+00"), "2028 is a leap year");
});

test("the +CCLK line parses through the command's declaration", (t) => {
  t.deepEqual(CCLK_READ.parse!(lineViewOf('+CCLK: "26/12/03,17:00:05+04"')), { utcSeconds: Date.UTC(2026, 11, 3, 16, 0, 5) / 1000, zoneQuarters: 4 });
  t.is(CCLK_READ.parse!(lineViewOf('+CCLK: "not a time"')), undefined);
});

async function modem(networkTime?: { utcMsAtZero: number; zoneQuarters?: number }) {
  const clock = new VirtualClock();
  const sim = createSimulator({ scheduler: clock, ...(networkTime ? { networkTime } : {}) });
  const channel = new AtChannel({ open: sim.openDriverPort, clock });
  sim.powerOn();
  await clock.advance(12_000); // RDY, not yet registered
  const read = async () => {
    let settled = false;
    const promise = readModemClock(channel).finally(() => (settled = true));
    promise.catch(() => {});
    await clock.until(() => settled, 10_000);
    return promise;
  };
  return { clock, read };
}

test("simulator: AT+CCLK? shows the network's time once registered, and the 1980 default before", async (t) => {
  const nitz = Date.UTC(2026, 11, 3, 16, 0, 0);
  const { clock, read } = await modem({ utcMsAtZero: nitz, zoneQuarters: 4 });
  const early = await read();
  t.true(early.utcSeconds < Date.UTC(1981, 0, 1) / 1000, "a clock nobody set");
  await clock.advance(5_000); // registered
  const at = clock.now();
  const later = await read();
  t.is(later.zoneQuarters, 4);
  t.true(Math.abs(later.utcSeconds - (nitz + at) / 1000) <= 1, `${later.utcSeconds} vs ${(nitz + at) / 1000}`);
});

test("simulator without network time: the modem's clock stays on its default, which the device refuses", async (t) => {
  const { clock, read } = await modem();
  await clock.advance(60_000);
  const reading = await read();
  t.true(reading.utcSeconds < Date.UTC(2024, 0, 1) / 1000);
});

test("a garbled +CCLK answer fails the query with a ModemError instead of a wrong time", async (t) => {
  const clock = new VirtualClock();
  const lines: string[] = [];
  const channel = new AtChannel({
    open: (events) => {
      events.onWritable(128);
      return {
        read: (into) => {
          const text = lines.shift() ?? "";
          for (let i = 0; i < text.length; i++) into[i] = text.charCodeAt(i);
          return text.length;
        },
        write: () => {
          lines.push('\r\n+CCLK: "26/13/40,99:00:00+00"\r\n\r\nOK\r\n');
          clock.setTimer(() => events.onReadable(1), 1);
        },
        close: () => {},
      };
    },
    clock,
  });
  let settled = false;
  const promise = readModemClock(channel).finally(() => (settled = true));
  promise.catch(() => {});
  await clock.until(() => settled, 1_000);
  await t.throwsAsync(promise, { instanceOf: ModemError });
});
