// Runs inside XS for test/xs/channel-on-xs.test.ts: the lead's engine-neutral channel scenarios
// (test/at/scenarios.ts through test/at/scenario.ts), so XS must produce the same event logs Node does.

import { chunkerFrom, runScenario, type Chunker } from "../../at/scenario";
import { scenarios } from "../../at/scenarios";
import { xsHost } from "../../../hosts/xs/xs-host";

const host = xsHost();


host.expose("names", () => scenarios.map((s) => s.name));
host.expose("run", (args: { index: number; bytewise?: boolean; cuts?: number[]; encoder?: boolean }) => {
  const scenario = scenarios[args.index];
  if (!scenario) throw new RangeError(`no scenario ${args.index}`);
  const chunker: Chunker | undefined = args.bytewise
    ? (bytes) => bytes.map((b) => [b])
    : args.cuts
      ? chunkerFrom(args.cuts)
      : undefined;
  return runScenario(scenario, chunker, args.encoder ? host.encoder : undefined);
});
