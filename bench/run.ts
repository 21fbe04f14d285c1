// `npm run bench`: the performance figures of issue #8, printed as a table and written to
// bench/results.json. Modelled times come from the EC20 simulator on a virtual clock (exact, no real
// waiting); XS figures from XS's deterministic meter. See docs/performance.md for each floor.

import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { modemOnBench, type ModemOnFigure } from "./modem-on";
import { wireBench, type WireFigure } from "./wire";
import { channelBreakdown } from "./xs-breakdown";
import { streamCompute } from "./xs-cpu";
import { xsMailerFigures } from "./xs-mailer-figures";

const TARGETS = { wireRatio: 1.05, modemOnRatio: 1.1, xsComputeRatio: 3, heapGrowth: 0 };

interface Row {
  figure: string;
  measured: string;
  floor: string;
  ratio: string;
  target: string;
  ok: boolean | null;
}

const fixed = (n: number, d = 1) => n.toFixed(d);
const ms = (n: number) => `${fixed(n, 1)} ms`;

async function main(): Promise<void> {
  const started = performance.now();
  const step = (name: string) => process.stdout.write(`  ${name} (${fixed((performance.now() - started) / 1000)} s)\n`);

  step("wire: reference report at 115200 and 921600 baud");
  const wire: WireFigure[] = [await wireBench(115200), await wireBench(921600)];
  step("modem-on time per wake: 1, 5, 20 emails");
  const modemOn: ModemOnFigure[] = [...(await modemOnBench(115200, [1, 5, 20])), ...(await modemOnBench(921600, [1, 5, 20]))];
  step("XS compute: 100 KB stream through the AT channel");
  const stream = await streamCompute(100 * 1024, 64);
  const breakdown = await channelBreakdown(100 * 1024, 64);
  step("XS compute and memory: 100 reference emails from XS");
  const mailer = await xsMailerFigures(100);

  const rows: Row[] = [];
  for (const w of wire) {
    rows.push({
      figure: `wire: reference report @ ${w.baud}`,
      measured: ms(w.sendMs),
      floor: `${ms(w.floor.floorMs)} (${w.floor.wireBytes} B = ${ms(w.floor.wireMs)} + latencies ${ms(w.floor.latencyMs)})`,
      ratio: fixed(w.ratio, 3),
      target: `<= ${TARGETS.wireRatio}`,
      ok: w.ratio <= TARGETS.wireRatio && w.escapes === 0,
    });
  }
  for (const m of modemOn) {
    rows.push({
      figure: `modem on per wake, ${m.emails} email${m.emails > 1 ? "s" : ""} @ ${m.baud}`,
      measured: ms(m.onMs),
      floor: ms(m.floorMs),
      ratio: fixed(m.ratio, 3),
      target: `<= ${TARGETS.modemOnRatio}`,
      ok: m.ratio <= TARGETS.modemOnRatio && m.delivered === m.emails,
    });
  }
  rows.push({
    figure: `XS channel compute / received byte (${stream.bytes} B, ${stream.chunk} B pieces)`,
    measured: fixed(stream.channelPerByte),
    floor: `${fixed(stream.floorPerByte)} (read each byte once)`,
    ratio: fixed(stream.channelRatio, 2),
    target: `<= ${TARGETS.xsComputeRatio}`,
    ok: stream.channelRatio <= TARGETS.xsComputeRatio && stream.summary.mismatches === 0,
  });
  rows.push({
    figure: "XS framer alone / received byte (reference)",
    measured: fixed(stream.framerPerByte),
    floor: fixed(stream.floorPerByte),
    ratio: fixed(stream.framerRatio, 2),
    target: "-",
    ok: null,
  });
  const c = mailer.compute;
  rows.push({
    figure: "XS compute of one reference email (all calls)",
    measured: `${c.perEmail} (${fixed(c.perPayloadByte)}/payload byte, ${c.calls} calls)`,
    floor: `${fixed(stream.floorPerByte * c.payloadBytes, 0)} (floor loop over ${c.payloadBytes} payload bytes)`,
    ratio: fixed(c.perEmail / (stream.floorPerByte * c.payloadBytes), 2),
    target: "-",
    ok: null,
  });
  const h = mailer.heap;
  rows.push({
    figure: "XS heap during a reference email",
    measured: `peak ${h.peakInUse} slots in use; live peak <= ${h.peakLiveBound}`,
    floor: `live before ${h.before}, after 1st ${h.afterFirst}`,
    ratio: "-",
    target: "-",
    ok: null,
  });
  rows.push({
    figure: `XS heap growth after ${mailer.emails} emails`,
    measured: `${h.growth} slots, ${h.allocateGrowth} B allocated`,
    floor: "0",
    ratio: "-",
    target: "0",
    ok: h.growth === TARGETS.heapGrowth && h.allocateGrowth === 0 && mailer.delivered === mailer.emails,
  });

  printTable(rows);
  console.log(`\nWhere the channel's ${stream.channel} compute on the stream goes (marginal costs of single operations x how often the stream needs them):`);
  for (const [part, compute] of Object.entries(breakdown.parts)) {
    console.log(`  ${part.padEnd(18)} ${fixed(compute, 0).padStart(9)}  (${fixed(compute / stream.bytes)} per byte)`);
  }
  console.log(`  ${"estimate".padEnd(18)} ${fixed(breakdown.estimate, 0).padStart(9)}  (${fixed((100 * breakdown.estimate) / stream.channel, 1)}% of the measured total)`);
  const seconds = (performance.now() - started) / 1000;
  console.log(`\nXS figures deterministic: stream ${stream.deterministic}, email ${c.deterministic}. Bench took ${fixed(seconds)} s.`);
  const results = { generatedBy: "npm run bench", targets: TARGETS, wire, modemOn, xs: { stream, breakdown, mailer }, rows, seconds };
  const out = fileURLToPath(new URL("./results.json", import.meta.url));
  writeFileSync(out, JSON.stringify(results, null, 2) + "\n");
  console.log(`written ${out}`);
}

function printTable(rows: Row[]): void {
  const head: Row = { figure: "figure", measured: "measured", floor: "floor", ratio: "ratio", target: "target", ok: null };
  const cols: (keyof Omit<Row, "ok">)[] = ["figure", "measured", "floor", "ratio", "target"];
  const width = (k: keyof Omit<Row, "ok">) => Math.max(...[head, ...rows].map((r) => r[k].length));
  const line = (r: Row, mark: string) => cols.map((k) => r[k].padEnd(width(k))).join(" | ") + " | " + mark;
  console.log("\n" + line(head, "ok"));
  console.log(cols.map((k) => "-".repeat(width(k))).join("-|-") + "-|---");
  for (const r of rows) console.log(line(r, r.ok === null ? "" : r.ok ? "yes" : "MISS"));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
