// Runs inside XS for test/xs/mailer-memory.test.ts and the XS benches: the whole send path (AtChannel,
// Mailer, session, settings, commands) on the XS host's serial port and virtual clock, sending the
// reference report (bench/reference.ts: 10240-byte body, 16 KB and 64 KB attachments, all streamed
// from chunked sources). Node bridges the port to the EC20 simulator. Outcomes go out as events.

import { AtChannel } from "../../../src/at/channel";
import { disableEcho, setNumericErrors, setUrcPort } from "../../../src/ec20/commands/general";
import { Mailer } from "../../../src/mailer/mailer";
import type { SendResult } from "../../../src/mailer/types";
import { xsHost } from "../../../hosts/xs/xs-host";
import { computeOf } from "../../../hosts/xs/meter";
import { referenceEmail, referenceSettings } from "../../../bench/reference";

const host = xsHost();
let channel: AtChannel;
let mailer: Mailer;

/** Opens the port with the given TX window and builds the channel and mailer on it. */
host.expose("open", (args: { txCapacity: number }) => {
  channel = new AtChannel({ open: host.serial("modem", { txCapacity: args.txCapacity }), clock: host.clock, log: host.log, encoder: host.encoder });
  mailer = new Mailer({ channel, clock: host.clock, log: host.log, settings: referenceSettings() });
  channel.subscribe("RDY", () => host.emit("rdy", host.clock.now()));
  return true;
});

/** What Node needs of a result: plain values only (the error object stays in XS). */
function outcome(result: SendResult) {
  return {
    delivered: result.delivered,
    err: result.err,
    attempts: result.attempts,
    error: result.error ? result.error.message : undefined,
    phases: result.phases.map((p) => p.phase),
  };
}

host.expose("configure", () => {
  disableEcho(channel)
    .then(() => setNumericErrors(channel))
    .then(() => setUrcPort(channel, "uart1"))
    .then(
      () => host.emit("configured", { ok: true }),
      (e: Error) => host.emit("configured", { ok: false, error: e.message }),
    );
  return true;
});

host.expose("send", (args: { sequence: number }) => {
  mailer.send(referenceEmail(args.sequence)).then(
    (result) => host.emit("sent", outcome(result)),
    (e: Error) => host.emit("sent", { delivered: false, error: `${e.name}: ${e.message}` }),
  );
  return true;
});

host.expose("stats", () => ({ ...channel.stats, timers: host.clock.pendingTimers }));

/** The compute of only reading the reference email's body and attachments in 256-byte pieces. */
host.expose("sourceCompute", () => {
  const email = referenceEmail(0);
  const chunk = new Uint8Array(256);
  return computeOf(host, () => {
    const body = email.body as { source: { read(into: Uint8Array): number } };
    while (body.source.read(chunk) > 0);
    for (const a of email.attachments ?? []) {
      const s = (a as { source: { read(into: Uint8Array): number } }).source;
      while (s.read(chunk) > 0);
    }
  });
});
