// Runs inside XS for test/xs/meter.test.ts: 10 KB of mixed EC20 responses and URCs (test/xs/at-stream.ts)
// as two stream workloads, the framer alone and the whole AT channel running the matching commands.

import { AtChannel } from "../../../src/at/channel";
import { Framer } from "../../../src/at/framer";
import { StreamPort } from "../stream-port";
import { exposeStreamWorkload } from "../../../hosts/xs/meter";
import { xsHost } from "../../../hosts/xs/xs-host";
import { atStream } from "../at-stream";

const host = xsHost();
const stream = atStream(10 * 1024);

// ---- the framer alone -----------------------------------------------------------------------------
const framerCounts = { lines: 0, overflows: 0 };
const framer = new Framer({
  onLine() {
    framerCounts.lines++;
  },
  onAck() {},
  onPrompt() {},
  onOverflow() {
    framerCounts.overflows++;
  },
});
exposeStreamWorkload(host, "framer", stream.bytes, {
  push: (bytes, start, end) => framer.push(bytes, start, end),
  summary: () => ({ ...framerCounts }),
});

// ---- the AT channel -------------------------------------------------------------------------------

const port = new StreamPort();
const channel = new AtChannel({ open: port.open, clock: host.clock, encoder: host.encoder });
const counts = { submitted: 0, ok: 0, errors: 0, infos: 0, results: 0, urcs: 0, mismatches: 0 };
channel.subscribe("+QIURC:", () => counts.urcs++);
const onInfo = () => counts.infos++;
const onUrc = () => counts.results++;
// Commands are built once: the channel runs the same table again on every pass over the stream.
const commands = stream.commands.map((spec) => ({
  spec,
  command: {
    line: spec.line,
    timeoutMs: 300,
    expect: spec.expect,
    onInfo,
    awaitUrc: spec.awaitUrc ? { prefix: spec.awaitUrc, timeoutMs: 300_000, onUrc } : undefined,
  },
}));
let next = 0;
function submitNext(): void {
  const { spec, command } = commands[next];
  next = (next + 1) % commands.length;
  counts.submitted++;
  channel.submit(command, (error) => {
    const outcome = error ? `${error.kind}${error.code ? " " + error.code : ""}` : "ok";
    if (error) counts.errors++;
    else counts.ok++;
    if (outcome !== spec.outcome) counts.mismatches++;
    submitNext();
  });
}
submitNext();

exposeStreamWorkload(host, "channel", stream.bytes, {
  push: (bytes, start, end) => port.deliver(bytes, start, end),
  summary: () => ({ ...counts, ...channel.stats, written: port.written, timers: host.clock.pendingTimers }),
});

host.expose("expected", () => ({
  bytes: stream.bytes.length,
  commands: stream.commands.length,
  infos: stream.commands.reduce((n, c) => n + c.infos, 0),
  errors: stream.commands.filter((c) => c.outcome !== "ok").length,
  results: stream.commands.filter((c) => c.awaitUrc).length,
  urcs: stream.subscribedUrcs,
  unknownUrcs: stream.unknownUrcs,
}));
