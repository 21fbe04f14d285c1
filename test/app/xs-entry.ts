// Runs inside XS for app-on-xs.test.ts: the app's wake over the ESP32 layout (a 64 KB store of 4 KB
// blocks: 48 KB outbox, 16 KB history) with a mailer that reads every stream to the end as the modem
// would and keeps only counts, so the meter shows what wakes cost and whether the heap stays flat.
import { xsHost } from "../../hosts/xs/xs-host";
import { StorageRegion } from "../../src/app/region";
import { SimulatedSource, seededRandom } from "../../src/app/readings";
import { runWake, type WakeResult } from "../../src/app/wake";
import type { Email } from "../../src/mail/email";
import { validateEmail } from "../../src/mail/validate";
import type { SendResult } from "../../src/mailer/types";
import { Outbox } from "../../src/outbox/outbox";
import { RamStorage } from "../outbox/ram-storage";

const host = xsHost();
const storage = new RamStorage({ blocks: 16, blockSize: 4096 });
let state: Uint8Array | undefined;
let now = 1_796_310_000; // 2026-12-03 (about)
const chunk = new Uint8Array(256);
const counts = { emails: 0, alarms: 0, reports: 0, bytes: 0, maxBody: 0 };

function drain(source: { read(into: Uint8Array): number }): number {
  let total = 0;
  for (let n = source.read(chunk); n > 0; n = source.read(chunk)) total += n;
  return total;
}

const mailer = {
  async send(email: Email): Promise<SendResult> {
    const prepared = validateEmail(email);
    const body = drain(prepared.body.open());
    if (body !== prepared.body.length) throw new Error(`body ${body} of ${prepared.body.length}`);
    counts.maxBody = Math.max(counts.maxBody, body);
    counts.bytes += body;
    for (const a of prepared.attachments) {
      const n = drain(a.open());
      if (n !== a.length) throw new Error(`attachment ${n} of ${a.length}`);
      counts.bytes += n;
    }
    counts.emails++;
    if (email.subject.indexOf(" report ") >= 0) counts.reports++;
    else counts.alarms++;
    return { delivered: true, err: 0, protocolError: 0, attempts: 1, phases: [] };
  },
};

const source = new SimulatedSource({
  id: "temp", unit: "C", base: 20, amplitude: 5, noise: 0.5, random: seededRandom(7),
  // An excursion every ~3 hours for 40 minutes: alarms raise and clear.
  excursions: Array.from({ length: 40 }, (_, i) => ({ fromS: now + i * 10800 + 3600, toS: now + i * 10800 + 6000, offset: 20 })),
});

host.expose("wakes", async (args: { count: number; stepS: number }) => {
  let last: WakeResult | undefined;
  for (let i = 0; i < args.count; i++) {
    last = await runWake({
      config: {
        deviceName: "node-7", recipients: ["ops@example.com"], reportPeriodS: 3600, samplePeriodS: args.stepS,
        rules: [{ id: "temp-high", source: "temp", direction: "above", threshold: 35, hysteresis: 2 }],
      },
      sources: [source],
      outbox: new Outbox({ storage: new StorageRegion(storage, 0, 12 * 4096), random: () => 0.5, maxRecords: 64 }),
      historyStorage: new StorageRegion(storage, 12 * 4096, 4 * 4096),
      state: { load: () => state, save: (bytes) => { state = bytes.slice(); } },
      mailer,
      modem: { powerOn: async () => {}, powerOff: async () => {} },
      now: () => now,
      log: () => {},
    });
    now += args.stepS;
  }
  return { ...counts, stateBytes: state ? state.length : 0, sleepS: last ? last.sleepS : 0 };
});
