// End to end: a driver speaks AT to the simulator (real timers, in-process port), the simulator
// hands the email to the real delivery engine (sim/smtp-delivery.ts), and the test SMTP server
// (test/support) receives it. Proves the seam between the two halves of the simulator.
import test from "ava";
import { createSimulator, realScheduler } from "../../sim/index";
import { startSmtpFixture, testCerts } from "../../sim/local-smtp-server";

/** A small driver over the in-process port with real timers: waits on bytes, never on sleeps. */
function realHost(sim: ReturnType<typeof createSimulator>) {
  let received = "";
  let writable = 0;
  const queue: number[] = [];
  const waiters: (() => void)[] = [];
  const buffer = new Uint8Array(512);
  const port = sim.openDriverPort({
    onReadable: () => {
      for (let n = port.read(buffer); n > 0; n = port.read(buffer)) received += Buffer.from(buffer.subarray(0, n)).toString("latin1");
      for (const w of waiters.splice(0)) w();
    },
    onWritable: (count) => {
      writable = count;
      flush();
    },
    onError: () => {},
  });
  function flush(): void {
    while (queue.length && writable > 0) {
      const chunk = Uint8Array.from(queue.splice(0, writable));
      writable -= chunk.length;
      port.write(chunk);
    }
  }
  async function until(check: (r: string) => boolean, ms = 10_000): Promise<string> {
    const deadline = Date.now() + ms;
    while (!check(received)) {
      if (Date.now() > deadline) throw new Error(`timed out; received ${JSON.stringify(received)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200).unref();
      });
    }
    const text = received;
    received = "";
    return text;
  }
  return {
    write(data: string | Uint8Array) {
      queue.push(...(typeof data === "string" ? Buffer.from(data, "latin1") : data));
      flush();
    },
    until,
    async command(line: string): Promise<string> {
      this.write(`${line}\r`);
      return until((r) => /\r\n(OK|ERROR|CONNECT|\+CME ERROR: \d+)\r\n$/.test(r));
    },
    close: () => port.close(),
  };
}

for (const mode of ["plain", "starttls", "tls"] as const) {
  test(`an email with an attachment goes through the real engine to an SMTP server (${mode})`, async (t) => {
    const fixture = await startSmtpFixture({ mode });
    // 0.05: RDY in 0.6 s, and QSMTPPUT=60 leaves 3 s of real time for the SMTP session.
    const sim = createSimulator({ scheduler: realScheduler, timeFactor: 0.05 });
    const host = realHost(sim);
    sim.powerOn();
    await host.until((r) => r.includes("RDY"));
    await host.until(() => sim.modem.registered());
    const ca = new Uint8Array(Buffer.from(testCerts.caPem));
    const upload = async (name: string, bytes: Uint8Array) => {
      t.is(await host.command(`AT+QFUPL="${name}",${bytes.length},60`), "\r\nCONNECT\r\n");
      host.write(bytes);
      t.regex(await host.until((r) => r.endsWith("OK\r\n")), /\+QFUPL: \d+,[0-9a-f]+/);
    };
    for (const line of [
      "ATE0",
      'AT+QICSGP=1,1,"internet"',
      "AT+QIACT=1",
      `AT+QSMTPCFG="ssltype",${mode === "plain" ? 0 : mode === "tls" ? 1 : 2}`,
      'AT+QSMTPCFG="sslctxid",1',
      `AT+QSMTPCFG="smtpserver","127.0.0.1",${fixture.port}`,
      `AT+QSMTPCFG="account","${fixture.user}","${fixture.password}"`,
      'AT+QSMTPCFG="sender","Sensor 7","sensor7@example.test"',
      'AT+QSMTPDST=1,1,"ops@example.test"',
      'AT+QSMTPDST=1,2,"cc@example.test"',
      'AT+QSMTPSUB=0,"Daily report"',
      'AT+QSSLCFG="seclevel",1,1',
      'AT+QSSLCFG="cacert",1,"ca.pem"',
    ]) {
      t.regex(await host.command(line), /OK\r\n$/, line);
    }
    await upload("ca.pem", ca);
    await upload("RAM:report.csv", new Uint8Array(Buffer.from("t,v\n1,20.5\n")));
    t.regex(await host.command('AT+QSMTPATT=1,1,"RAM:report.csv"'), /OK/);
    t.is(await host.command("AT+QSMTPBODY=0,12,10"), "\r\nCONNECT\r\n");
    host.write("All is well.");
    t.is(await host.until((r) => r.endsWith("OK\r\n")), "\r\n+QSMTPBODY: 12\r\n\r\nOK\r\n");
    t.is(await host.command("AT+QSMTPPUT=60"), "\r\nOK\r\n");
    t.is(await host.until((r) => r.includes("+QSMTPPUT:") && r.endsWith("\r\n"), 30_000), "\r\n+QSMTPPUT: 0,0\r\n");
    const message = await fixture.waitForMessage(1);
    t.is(message.parsed.subject, "Daily report");
    t.deepEqual(message.envelope.rcptTo, ["ops@example.test", "cc@example.test"]);
    t.is(message.parsed.text?.trim(), "All is well.");
    t.deepEqual(message.parsed.attachments.map((a) => a.filename), ["report.csv"]);
    t.is(message.session.secure, mode !== "plain");
    host.close();
    await fixture.close();
  });
}
