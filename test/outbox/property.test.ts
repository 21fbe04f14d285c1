// Random lives of an outbox with random power cuts (the model and checks live in life.ts).
import test from "ava";
import fc from "fast-check";
import { runLife, stepArb, type LifeCounts, type LifeLayout } from "./life";

for (const torn of [false, true]) {
  test(`random lives with power cuts keep every promise (${torn ? "half-programmed byte at each cut" : "clean cuts"})`, (t) => {
    const counts: LifeCounts = { steps: 0, cuts: 0, recoveryCuts: 0, erases: 0 };
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 150, size: "max" }), fc.nat(), (steps, seed) => {
        runLife(steps, torn, seed, counts);
      }),
      { numRuns: 300 },
    );
    t.log(`operations ${counts.steps}, cut during an operation ${counts.cuts}, cut during recovery ${counts.recoveryCuts}, block erases ${counts.erases}`);
    t.true(counts.cuts > 1000);
  });
}

// Payloads close to the largest a block allows: the capacity budget is tightest here, so a flaw in
// the "compaction can always make room" argument would show up as a "no-room" error.
const TIGHT: LifeLayout = { blocks: 8, blockSize: 256, maxPayload: 120 };
test("random lives with the largest payloads a block allows never run out of room unexpectedly", (t) => {
  const counts: LifeCounts = { steps: 0, cuts: 0, recoveryCuts: 0, erases: 0 };
  fc.assert(
    fc.property(fc.array(stepArb, { minLength: 1, maxLength: 150, size: "max" }), fc.nat(), fc.boolean(), (steps, seed, torn) => {
      runLife(steps, torn, seed, counts, TIGHT);
    }),
    { numRuns: 200 },
  );
  t.log(`operations ${counts.steps}, cut during an operation ${counts.cuts}, cut during recovery ${counts.recoveryCuts}, block erases ${counts.erases}`);
  t.true(counts.cuts > 500);
});
