// The AT channel on Node: every scenario, then the same byte streams cut at arbitrary points.
import test from "ava";
import fc from "fast-check";
import { runScenario, type Chunker } from "./scenario";
import { scenarios } from "./scenarios";

for (const scenario of scenarios) {
  test(`scenario: ${scenario.name}`, (t) => {
    t.deepEqual(runScenario(scenario), scenario.expect);
  });
}

/** Cuts each modem step at the given (fractional) points. */
function chunkerFrom(cuts: number[]): Chunker {
  return (bytes) => {
    const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
    const pieces: number[][] = [];
    let last = 0;
    for (const p of points) {
      if (p > last && p < bytes.length) {
        pieces.push(bytes.slice(last, p));
        last = p;
      }
    }
    pieces.push(bytes.slice(last));
    return pieces;
  };
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

test("byte-at-a-time delivery yields the same events for every scenario", (t) => {
  for (const scenario of scenarios) {
    t.deepEqual(runScenario(scenario, (bytes) => bytes.map((b) => [b])), scenario.expect, scenario.name);
  }
});
