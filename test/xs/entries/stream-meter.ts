// Runs inside XS for the XS CPU bench (bench/xs-cpu.ts): the AT channel on a stream of mixed EC20
// responses and URCs of a size Node chooses (test/xs/at-stream.ts; the bench uses 100 KB), next to
// the framer alone and a loop that only reads each byte (the floor). Same workloads as
// test/xs/entries/meter.ts, built on request instead of at load.

import { AtChannel } from "../../../src/at/channel";
import { Framer } from "../../../src/at/framer";
import { StreamPort } from "../stream-port";
import { exposeStreamWorkload } from "../../../hosts/xs/meter";
import { xsHost } from "../../../hosts/xs/xs-host";
import { atStream } from "../at-stream";

const host = xsHost();


host.expose("setup", (args: { bytes: number }) => {
  const stream = atStream(args.bytes);
  const lines = { count: 0 };
  const framer = new Framer({ onLine: () => lines.count++, onAck() {}, onPrompt() {}, onOverflow() {} });
  exposeStreamWorkload(host, "framer", stream.bytes, {
    push: (bytes, start, end) => framer.push(bytes, start, end),
    summary: () => ({ lines: lines.count }),
  });

  const port = new StreamPort();
  const channel = new AtChannel({ open: port.open, clock: host.clock, encoder: host.encoder });
  const counts = { ok: 0, errors: 0, mismatches: 0, urcs: 0 };
  channel.subscribe("+QIURC:", () => counts.urcs++);
  const commands = stream.commands.map((spec) => ({
    spec,
    kind: spec.outcome === "ok" ? "" : spec.outcome.split(" ")[0],
    code: spec.outcome === "ok" ? 0 : Number(spec.outcome.split(" ")[1] ?? 0),
    command: {
      line: spec.line,
      timeoutMs: 300,
      expect: spec.expect,
      onInfo: () => {},
      awaitUrc: spec.awaitUrc ? { prefix: spec.awaitUrc, timeoutMs: 300_000, onUrc: () => {} } : undefined,
    },
  }));
  let next = 0;
  const submitNext = (): void => {
    const entry = commands[next];
    next = next + 1 === commands.length ? 0 : next + 1;
    channel.submit(entry.command, (error) => {
      if (error) {
        counts.errors++;
        if (error.kind !== entry.kind || error.code !== entry.code) counts.mismatches++;
      } else {
        counts.ok++;
        if (entry.kind !== "") counts.mismatches++;
      }
      submitNext();
    });
  };
  submitNext();
  exposeStreamWorkload(host, "channel", stream.bytes, {
    push: (bytes, start, end) => port.deliver(bytes, start, end),
    summary: () => ({ ...counts, ...channel.stats }),
  });
  return { bytes: stream.bytes.length, commands: stream.commands.length };
});
