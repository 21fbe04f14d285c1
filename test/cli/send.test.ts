// `ec20-mail send` end to end: the CLI process -> serialport -> pty -> EC20 simulator -> its SMTP
// client -> smtp-server, read back with mailparser.
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { CA, PASSWORD, runCli, startSimRig } from "./harness";

const scratch = mkdtempSync(path.join(os.tmpdir(), "ec20-cli-send-"));

function pattern(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = 11;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

test("send delivers a UTF-8 subject, Cc/Bcc and a 60 KB attachment streamed from a file", async (t) => {
  const rig = await startSimRig();
  try {
    const file = path.join(scratch, "pump-log.bin");
    const content = pattern(60_000);
    writeFileSync(file, content);
    const run = await runCli(["send", ...rig.flags, "--from-name", "Sensor 7", "--to", "ops@example.test", "--cc", "cc@example.test",
      "--bcc", "audit@example.test", "--subject", "Füllstand 93 % ⚠ Tank 3", "--body", "Tank 3 is nearly full.\r\nSee the log.", "--attach", file],
      { EC20_SMTP_PASSWORD: PASSWORD });
    t.is(run.code, 0, run.stdout + run.stderr);
    t.regex(run.stdout, /attachment 1\/1 pump-log\.bin: 60000 bytes sent/);
    t.regex(run.stdout, /^delivered \(1 attempt;/m);
    t.is(rig.fixture.messages.length, 1);
    const [message] = rig.fixture.messages;
    t.is(message.parsed.subject, "Füllstand 93 % ⚠ Tank 3");
    t.deepEqual(message.envelope.rcptTo.sort(), ["audit@example.test", "cc@example.test", "ops@example.test"]);
    t.regex(message.parsed.text ?? "", /Tank 3 is nearly full/);
    t.is(message.parsed.attachments.length, 1);
    t.is(message.parsed.attachments[0].filename, "pump-log.bin");
    t.true(Buffer.compare(message.parsed.attachments[0].content, content) === 0, "attachment bytes arrive unchanged");
    t.true(message.session.secure);
    t.deepEqual([...rig.sim.inspect().files.keys()].filter((name) => name.startsWith("RAM:")), [], "no RAM files left on the modem");
  } finally {
    await rig.close();
  }
});

test("an invalid recipient exits 1 naming the field, before any AT traffic", async (t) => {
  const rig = await startSimRig();
  try {
    const run = await runCli(["send", ...rig.flags, "--to", "ops@example.test", "--to", "not an address", "--subject", "x", "--body", "y"],
      { EC20_SMTP_PASSWORD: PASSWORD });
    t.is(run.code, 1, run.stdout + run.stderr);
    t.regex(run.stderr, /to\[1\]/);
    t.regex(run.stderr, /nothing was sent/);
    t.is(rig.sim.modem.stats.commands, 0, "the modem saw no command");
    t.is(rig.fixture.connectionCount, 0);
  } finally {
    await rig.close();
  }
});

test("an attachment name the modem cannot take exits 1 with the field and the rule", async (t) => {
  const file = path.join(scratch, "report (final).csv");
  writeFileSync(file, "a,b\n");
  const run = await runCli(["send", "--device", "/dev/null", "--server", "127.0.0.1", "--ssltype", "0", "--user", "u", "--from", "a@example.test",
    "--to", "b@example.test", "--subject", "x", "--body", "y", "--attach", file], { EC20_SMTP_PASSWORD: "pw" });
  t.is(run.code, 1, run.stderr);
  t.regex(run.stderr, /attachments\[0\]\.name: only letters, digits/);
});

test("a wrong password exits 5 and the password appears nowhere, even with --trace and --verbose", async (t) => {
  const rig = await startSimRig();
  const wrong = "Zq9-wrong-Secret";
  try {
    for (const extra of [[], ["--trace", "--verbose"]]) {
      const run = await runCli(["send", ...rig.flags, ...extra, "--to", "ops@example.test", "--subject", "x", "--body", "y"], { EC20_SMTP_PASSWORD: wrong });
      t.is(run.code, 5, run.stdout + run.stderr);
      t.regex(run.stderr, /677 Authentication failed \(SMTP 535\)/);
      t.false(run.stdout.includes(wrong), "not in stdout");
      t.false(run.stderr.includes(wrong), "not in stderr");
      if (extra.length) {
        t.regex(run.stderr, />> AT\+QSMTPCFG="account","sensor","\*+"/, "the trace shows the masked account line");
        t.regex(run.stderr, /<< \+QSMTPPUT: 677,535/);
      }
    }
    t.is(rig.fixture.messages.length, 0);
  } finally {
    await rig.close();
  }
});

test("the password from --password-file works; a password in the config file is refused (exit 2)", async (t) => {
  const rig = await startSimRig();
  try {
    const passwordFile = path.join(scratch, "smtp-password");
    writeFileSync(passwordFile, PASSWORD + "\n");
    const config = path.join(scratch, "conn.json");
    const [, device, , , , port] = rig.flags;
    // Relative paths in a config file are taken from the config file's folder.
    copyFileSync(CA, path.join(scratch, "ca.pem"));
    writeFileSync(config, JSON.stringify({ device, server: "127.0.0.1", port: Number(port), ssltype: 1, ca: "ca.pem", user: "sensor", from: "sensor7@example.test", "password-file": "smtp-password" }));
    const ok = await runCli(["send", "--config", config, "--to", "ops@example.test", "--subject", "from config", "--body", "y"]);
    t.is(ok.code, 0, ok.stdout + ok.stderr);
    t.is(rig.fixture.messages[0]?.parsed.subject, "from config");

    const bad = path.join(scratch, "bad.json");
    writeFileSync(bad, JSON.stringify({ device, server: "127.0.0.1", password: PASSWORD }));
    const refused = await runCli(["send", "--config", bad, "--to", "ops@example.test", "--subject", "x", "--body", "y"]);
    t.is(refused.code, 2, refused.stderr);
    t.regex(refused.stderr, /"password" is not allowed here/);
    t.false(refused.stderr.includes(PASSWORD));
  } finally {
    await rig.close();
  }
});

test("a device that does not exist exits 3 with a hint", async (t) => {
  const run = await runCli(["send", "--device", "/dev/ttyUSB-does-not-exist", "--server", "127.0.0.1", "--ssltype", "0", "--user", "u",
    "--from", "a@example.test", "--to", "b@example.test", "--subject", "x", "--body", "y"], { EC20_SMTP_PASSWORD: "pw" });
  t.is(run.code, 3, run.stderr);
  t.regex(run.stderr, /cannot open \/dev\/ttyUSB-does-not-exist/);
  t.regex(run.stderr, /hint: check the path/);
});

test("STARTTLS with a UTF-8 body file: the body arrives as written", async (t) => {
  const rig = await startSimRig({ mode: "starttls" });
  try {
    const body = path.join(scratch, "body.txt");
    writeFileSync(body, "Pegel 93 %, steigend.\r\nGrüße vom Pumpwerk 3\r\n");
    const run = await runCli(["send", ...rig.flags, "--to", "ops@example.test", "--subject", "Pegel", "--body-file", body], { EC20_SMTP_PASSWORD: PASSWORD });
    t.is(run.code, 0, run.stdout + run.stderr);
    const [message] = rig.fixture.messages;
    t.is(message.parsed.text?.trim(), "Pegel 93 %, steigend.\nGrüße vom Pumpwerk 3");
    t.true(message.session.secure, "upgraded with STARTTLS before AUTH");
  } finally {
    await rig.close();
  }
});
