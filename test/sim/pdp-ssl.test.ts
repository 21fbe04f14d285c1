// AT+QICSGP, AT+QIACT, AT+QIDEACT and the pdpdeact URC; AT+QSSLCFG keys and read-back.
import test from "ava";
import { Host } from "./harness";

const OK = "\r\nOK\r\n";

async function ready(options = {}): Promise<Host> {
  const host = new Host(options);
  await host.ready(false);
  return host;
}

test("QICSGP: unconfigured read, full write and read-back, a write blanks omitted fields", async (t) => {
  const host = await ready();
  t.is(await host.command("AT+QICSGP=1"), `\r\n+QICSGP: 1,"","","",0\r\n${OK}`);
  t.is(await host.command('AT+QICSGP=1,3,"internet","user","secret",2'), OK);
  t.is(await host.command("AT+QICSGP=1"), `\r\n+QICSGP: 3,"internet","user","secret",2\r\n${OK}`);
  t.is(await host.command('AT+QICSGP=1,1,"internet","user"'), OK);
  t.is(await host.command("AT+QICSGP=1"), `\r\n+QICSGP: 1,"internet","user","",0\r\n${OK}`);
  t.is(await host.command('AT+QICSGP=17,1,"x"'), "\r\nERROR\r\n");
  t.is(await host.command('AT+QICSGP=1,4,"x"'), "\r\nERROR\r\n");
});

test("QIACT? is a bare OK with no context, lists active ones, QIDEACT removes them", async (t) => {
  const host = await ready();
  t.is(await host.command("AT+QIACT?"), OK);
  t.is(await host.command("AT+QIACT=1"), OK);
  t.is(await host.command("AT+QIACT=2"), OK);
  t.is(await host.command("AT+QIACT?"), `\r\n+QIACT: 1,1,1,"10.7.157.1"\r\n+QIACT: 2,1,1,"10.7.157.2"\r\n${OK}`);
  t.is(await host.command("AT+QIDEACT=1"), OK);
  t.is(await host.command("AT+QIACT?"), `\r\n+QIACT: 2,1,1,"10.7.157.2"\r\n${OK}`);
  t.is(await host.command("AT+QIACT=?"), `\r\n+QIACT: (1-16)\r\n${OK}`);
});

test("QIACT before registration is a bare ERROR even with CMEE=2; it takes its modelled time", async (t) => {
  const host = new Host();
  await host.boot();
  await host.command("ATE0");
  await host.command("AT+CMEE=2");
  t.is(await host.command("AT+QIACT=1"), "\r\nERROR\r\n");
  await host.advance(3_000);
  const start = host.clock.now();
  t.is(await host.command("AT+QIACT=1"), OK);
  t.true(host.clock.now() - start >= 800);
});

test("only three contexts can be active at once", async (t) => {
  const host = await ready();
  for (const cid of [1, 2, 3]) t.is(await host.command(`AT+QIACT=${cid}`), OK);
  t.is(await host.command("AT+QIACT=4"), "\r\nERROR\r\n");
});

test("the network dropping the context gives +QIURC: \"pdpdeact\",1 on uart1", async (t) => {
  const host = await ready({ urcport: "uart1" });
  await host.command("AT+QIACT=1");
  host.sim.dropPdp(1);
  await host.until((r) => r.endsWith("\r\n"));
  t.is(host.take(), '\r\n+QIURC: "pdpdeact",1\r\n');
  t.is(await host.command("AT+QIACT?"), OK);
});

test("QSSLCFG defaults and read-back formats", async (t) => {
  const host = await ready();
  t.is(await host.command('AT+QSSLCFG="ciphersuite",1'), `\r\n+QSSLCFG: "ciphersuite",1,0XFFFF\r\n${OK}`);
  t.is(await host.command('AT+QSSLCFG="sslversion",1'), `\r\n+QSSLCFG: "sslversion",1,4\r\n${OK}`);
  t.is(await host.command('AT+QSSLCFG="seclevel",1'), `\r\n+QSSLCFG: "seclevel",1,0\r\n${OK}`);
  t.is(await host.command('AT+QSSLCFG="sni",1'), `\r\n+QSSLCFG: "sni",1,0\r\n${OK}`);
  t.is(await host.command('AT+QSSLCFG="ignorelocaltime",1'), `\r\n+QSSLCFG: "ignorelocaltime",1,1\r\n${OK}`);
  t.is(await host.command('AT+QSSLCFG="negotiatetime",1'), `\r\n+QSSLCFG: "negotiatetime",1,300\r\n${OK}`);
  t.is(await host.command('AT+QSSLCFG="cacert",1'), `\r\n+QSSLCFG: "cacert",1,""\r\n${OK}`);
});

test("QSSLCFG writes: ranges enforced, 0xffff and 0XC02F accepted, cacert path kept", async (t) => {
  const host = await ready();
  t.is(await host.command('AT+QSSLCFG="ciphersuite",2,0XC02F'), OK);
  t.is(await host.command('AT+QSSLCFG="ciphersuite",2'), `\r\n+QSSLCFG: "ciphersuite",2,0XC02F\r\n${OK}`);
  t.is(await host.command('AT+QSSLCFG="ciphersuite",2,0x1234'), "\r\nERROR\r\n");
  t.is(await host.command('AT+QSSLCFG="cacert",2,"cacert.pem"'), OK);
  t.is(await host.command('AT+QSSLCFG="cacert",2'), `\r\n+QSSLCFG: "cacert",2,"cacert.pem"\r\n${OK}`);
  t.is(await host.command('AT+QSSLCFG="seclevel",2,3'), "\r\nERROR\r\n");
  t.is(await host.command('AT+QSSLCFG="negotiatetime",2,9'), "\r\nERROR\r\n");
  t.is(await host.command('AT+QSSLCFG="negotiatetime",2,10'), OK);
  t.is(await host.command('AT+QSSLCFG="sni",6,1'), "\r\nERROR\r\n", "contexts 0-5");
  t.is(await host.command('AT+QSSLCFG="checkhost",1,1'), "\r\nERROR\r\n", "no such key on the EC2x");
  t.is(await host.command('AT+QSSLCFG="alpn",1,"smtp"'), OK);
  t.is(await host.command('AT+QSSLCFG="alpn",1'), `\r\n+QSSLCFG: "alpn",1,"smtp"\r\n${OK}`);
});

test("QIDNSCFG: ERROR while the context is inactive, the network's servers once active, a write replaces them", async (t) => {
  const host = await ready();
  t.is(await host.command("AT+QIDNSCFG=1"), "\r\nERROR\r\n");
  t.is(await host.command("AT+QIACT=1"), OK);
  t.is(await host.command("AT+QIDNSCFG=1"), `\r\n+QIDNSCFG: 1,"192.0.2.53","198.51.100.53"\r\n${OK}`);
  t.is(await host.command('AT+QIDNSCFG=1,"8.8.8.8","1.1.1.1"'), OK);
  t.is(await host.command("AT+QIDNSCFG=1"), `\r\n+QIDNSCFG: 1,"8.8.8.8","1.1.1.1"\r\n${OK}`);
});
