// The CLI's own pieces without a modem: the secret mask, file streaming, progress output, exit-code
// classes, and the ordered clock the simulator needs on Node.
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { ModemError, lookupError } from "../../src/ec20/errors";
import { EXIT, exitCodeOfModemError } from "../../hosts/node/cli/exit-codes";
import { FileSource, isAsciiFile } from "../../hosts/node/cli/file-source";
import { SecretMask } from "../../hosts/node/cli/mask";
import { progressPrinter } from "../../hosts/node/cli/progress";

const scratch = mkdtempSync(path.join(os.tmpdir(), "ec20-cli-units-"));

test("the mask hides every occurrence of every secret, a longer one whole", (t) => {
  const mask = new SecretMask();
  mask.add("pw");
  mask.add("pw-long-secret");
  mask.add("");
  mask.add(undefined);
  t.is(mask.apply('<< +QSMTPCFG: "account","u","pw-long-secret"; then pw'), '<< +QSMTPCFG: "account","u","********"; then ********');
});

test("a file streams in the reader's chunks and ends at the size it had when opened", (t) => {
  const file = path.join(scratch, "grows.bin");
  writeFileSync(file, Buffer.alloc(1000, 0x41));
  const source = new FileSource(file);
  appendFileSync(file, Buffer.alloc(500, 0x42)); // the modem was told 1000 bytes
  const chunk = new Uint8Array(256);
  const reads: number[] = [];
  for (let n = source.read(chunk); n > 0; n = source.read(chunk)) reads.push(n);
  t.deepEqual(reads, [256, 256, 256, 232]);
  source.close();
  t.throws(() => new FileSource(scratch), { message: /not a regular file/ });
});

test("the body charset scan finds a non-ASCII byte past the first chunk", (t) => {
  const file = path.join(scratch, "body.txt");
  writeFileSync(file, "a".repeat(5000) + "ü");
  const source = new FileSource(file);
  t.false(isAsciiFile(source));
  const first = new Uint8Array(4);
  t.is(source.read(first), 4, "rewound for sending");
  source.close();
});

test("progress: a redrawn bar on a terminal, plain lines elsewhere", (t) => {
  const events = [
    { phase: "body" as const, sent: 0, total: 0 },
    { phase: "body" as const, sent: 10, total: 10 },
    { phase: "attachments" as const, sent: 0, total: 0 },
    { phase: "attachments" as const, sent: 512, total: 1024, item: 0 },
    { phase: "attachments" as const, sent: 1024, total: 1024, item: 0 },
  ];
  let tty = "";
  const onTty = progressPrinter({ write: (s) => (tty += s) }, true, ["log.bin"]);
  for (const e of events) onTty(e);
  t.regex(tty, /\r {4}attachment 1\/1 log\.bin \[#{15}-{15}\]  50% 512\/1024 B/);
  t.regex(tty, /\r {4}attachment 1\/1 log\.bin \[#{30}\] 100% 1024\/1024 B\n/);
  let plain = "";
  const onPlain = progressPrinter({ write: (s) => (plain += s) }, false, ["log.bin"]);
  for (const e of events) onPlain(e);
  t.false(plain.includes("\r"));
  t.is(plain, "  sending the body\n    body: 10 bytes sent\n  uploading attachments\n    attachment 1/1 log.bin: 1024 bytes sent\n");
});

function modemError(family: "smtp" | "cme" | "tcpip", code: number, kind: ModemError["kind"] = "result"): ModemError {
  const info = lookupError(family, code);
  return new ModemError({ family, kind, code, meaning: info?.meaning ?? "", retry: info?.retry ?? "transient", reason: "", command: "AT+X" });
}

test("exit codes follow the manual's classes", (t) => {
  t.is(exitCodeOfModemError(modemError("smtp", 677)), EXIT.SMTP_PERMANENT, "535 authentication");
  t.is(exitCodeOfModemError(modemError("smtp", 665)), EXIT.SMTP_PERMANENT, "TLS");
  t.is(exitCodeOfModemError(modemError("smtp", 666)), EXIT.SMTP_TRANSIENT, "421");
  t.is(exitCodeOfModemError(modemError("smtp", 658)), EXIT.SMTP_TRANSIENT, "timeout");
  t.is(exitCodeOfModemError(modemError("smtp", 653)), EXIT.NETWORK, "DNS");
  t.is(exitCodeOfModemError(modemError("smtp", 657)), EXIT.NETWORK, "PDP deactivated");
  t.is(exitCodeOfModemError(modemError("cme", 10, "cme")), EXIT.NETWORK, "no SIM");
  t.is(exitCodeOfModemError(modemError("tcpip", 561, "cme")), EXIT.NETWORK, "PDP open failed");
  t.is(exitCodeOfModemError(modemError("smtp", 0, "closed")), EXIT.MODEM, "port closed");
});

