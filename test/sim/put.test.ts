// AT+QSMTPPUT's asynchronous half: what the delivery engine receives (SSL context, CA file, names
// without RAM:), the result URC, and the failures the modem reports itself (653, 657/654, 658, 661).
import test from "ava";
import type { DeliveryResult } from "../../sim/index";
import { Host } from "./harness";

const OK = "\r\nOK\r\n";

async function composed(options = {}): Promise<Host> {
  const host = new Host(options);
  await host.ready(false);
  for (const line of [
    'AT+QICSGP=1,1,"apn"',
    "AT+QIACT=1",
    'AT+QSMTPCFG="smtpserver","mail.example.com",465',
    'AT+QSMTPCFG="account","me@example.com","pw"',
    'AT+QSMTPCFG="sender","Me","me@example.com"',
    'AT+QSMTPDST=1,1,"you@example.com"',
    'AT+QSMTPDST=1,3,"hidden@example.com"',
    'AT+QSMTPSUB=1,"C3A9"',
  ]) {
    if ((await host.command(line)) !== OK) throw new Error(`setup failed at ${line}`);
  }
  return host;
}

async function upload(host: Host, name: string, text: string): Promise<void> {
  await host.command(`AT+QFUPL="${name}",${text.length}`);
  host.write(text);
  await host.until((r) => r.endsWith(OK));
  host.take();
}

async function put(host: Host, seconds = 60): Promise<string> {
  if ((await host.command(`AT+QSMTPPUT=${seconds}`)) !== OK) throw new Error("no OK");
  await host.until((r) => r.includes("+QSMTPPUT:") && r.endsWith("\r\n"));
  return host.take();
}

test("SSL context, CA file from UFS and attachments reach the engine", async (t) => {
  const host = await composed();
  await upload(host, "ca.pem", "-----BEGIN CERTIFICATE-----");
  await upload(host, "RAM:report.csv", "a,b\n1,2\n");
  await upload(host, "RAM:log.txt", "log");
  for (const line of [
    'AT+QSMTPCFG="ssltype",1',
    'AT+QSMTPCFG="sslctxid",2',
    'AT+QSSLCFG="cacert",2,"ca.pem"',
    'AT+QSSLCFG="seclevel",2,1',
    'AT+QSSLCFG="sni",2,1',
    'AT+QSSLCFG="sslversion",2,3',
    'AT+QSMTPATT=1,2,"RAM:report.csv"',
    'AT+QSMTPATT=1,1,"RAM:log.txt"',
  ]) {
    t.is(await host.command(line), OK, line);
  }
  t.is(await put(host), "\r\n+QSMTPPUT: 0,0\r\n");
  const request = host.requests[0]!;
  t.is(request.ssltype, 1);
  t.deepEqual(request.tls, { caPem: "-----BEGIN CERTIFICATE-----", seclevel: 1, sni: true, sslversion: 3 });
  t.deepEqual(request.server, { host: "mail.example.com", port: 465 });
  t.deepEqual(request.subject, { charset: 1, text: "C3A9" });
  t.deepEqual(request.attachments.map((a) => a.name), ["log.txt", "report.csv"], "by index, RAM: removed");
  t.deepEqual(request.recipients.map((r) => r.type), [1, 3]);
  t.is(request.timeoutMs, 60_000);
});

test("the result URC reports the engine's error and protocol error; PUT can be repeated", async (t) => {
  const host = await composed();
  host.deliveryResult = { err: 677, protocolError: 535 };
  t.is(await put(host), "\r\n+QSMTPPUT: 677,535\r\n");
  host.deliveryResult = { err: 0, protocolError: 0 };
  t.is(await put(host), "\r\n+QSMTPPUT: 0,0\r\n");
  t.is(host.requests.length, 2);
});

test("the result never comes sooner than the modelled SMTP session", async (t) => {
  const host = await composed();
  t.is(await host.command("AT+QSMTPPUT=60"), OK);
  const start = host.clock.now();
  await host.until((r) => r.includes("+QSMTPPUT:"));
  t.true(host.clock.now() - start >= 2_000 - 1);
});

test("--smtp redirect: delivery goes to the given server", async (t) => {
  const host = await composed({ smtpRedirect: { host: "127.0.0.1", port: 2525 } });
  await put(host);
  t.deepEqual(host.requests[0]!.server, { host: "127.0.0.1", port: 2525 });
});

test("failures found before connecting: inactive context 657, no server 653, attachment gone 661", async (t) => {
  const host = await composed();
  await host.command("AT+QIDEACT=1");
  t.is(await put(host), "\r\n+QSMTPPUT: 657,0\r\n");
  await host.command("AT+QIACT=1");
  await upload(host, "RAM:a.txt", "x");
  await host.command('AT+QSMTPATT=1,1,"RAM:a.txt"');
  await host.command('AT+QFDEL="RAM:a.txt"');
  t.is(await put(host), "\r\n+QSMTPPUT: 661,0\r\n");
  t.is(host.requests.length, 0);

  const bare = new Host();
  await bare.ready(false);
  await bare.command("AT+QIACT=1");
  await bare.command('AT+QSMTPDST=1,1,"a@b.c"');
  t.is(await put(bare), "\r\n+QSMTPPUT: 653,0\r\n");
});

test("pdpLossResult 654 is configurable", async (t) => {
  const host = await composed({ pdpLossResult: 654 });
  await host.command("AT+QIDEACT=1");
  t.is(await put(host), "\r\n+QSMTPPUT: 654,0\r\n");
});

test("an engine slower than the QSMTPPUT timeout gives 658", async (t) => {
  const host = await composed({ deliver: () => new Promise<DeliveryResult>(() => {}) });
  const start = host.clock.now();
  t.is(await put(host, 60), "\r\n+QSMTPPUT: 658,0\r\n");
  t.true(host.clock.now() - start >= 60_000);
});

test("an engine that throws gives 651", async (t) => {
  const host = await composed({ deliver: () => Promise.reject(new Error("boom")) });
  t.is(await put(host), "\r\n+QSMTPPUT: 651,0\r\n");
});
