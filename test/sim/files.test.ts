// AT+QFUPL (sizes, ACK mode, checksum, +++, timeout, 407), AT+QFLST, AT+QFDEL wildcards, AT+QFLDS.
import { existsSync, readFileSync } from "node:fs";
import test from "ava";
import fc from "fast-check";
import { qfuplChecksum } from "../../sim/index";
import { Host } from "./harness";

const OK = "\r\nOK\r\n";
const ISRG = "/usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt";

async function ready(): Promise<Host> {
  const host = new Host();
  await host.ready(false);
  return host;
}

/** Uploads in ACK mode as a careful driver does: one 1 KB block, then wait for its `A`. */
async function uploadWithAcks(host: Host, name: string, data: Uint8Array): Promise<string> {
  t_assert((await host.command(`AT+QFUPL="${name}",${data.length},60,1`)) === "\r\nCONNECT\r\n");
  let acks = 0;
  for (let offset = 0; offset < data.length; offset += 1024) {
    const block = data.subarray(offset, offset + 1024);
    host.write(block);
    if (block.length === 1024) {
      acks++;
      await host.until((r) => r.split("A").length - 1 >= acks);
    }
  }
  await host.until((r) => r.endsWith(OK) || r.endsWith("\r\n+CME ERROR: 421\r\n"));
  return host.take();
}
function t_assert(condition: boolean): void {
  if (!condition) throw new Error("no CONNECT");
}

test("checksum test vectors: ISRG Root X1 PEM (1939 bytes) gives 4f64", (t) => {
  t.is(qfuplChecksum(Uint8Array.of(0x12, 0x34, 0x56)).toString(16), (0x1234 ^ 0x5600).toString(16));
  t.is(qfuplChecksum(Uint8Array.of(0x07, 0x07)).toString(16), "707", "no zero padding");
  if (!existsSync(ISRG)) return t.pass("ISRG Root X1 not installed");
  const pem = new Uint8Array(readFileSync(ISRG));
  t.is(pem.length, 1939);
  t.is(qfuplChecksum(pem).toString(16), "4f64");
});

test("checksum property: XOR of the halves equals the checksum of the whole (even split)", (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (a, b) => {
      const evenA = a.length % 2 === 0 ? a : a.subarray(1);
      const whole = new Uint8Array([...evenA, ...b]);
      return qfuplChecksum(whole) === (qfuplChecksum(evenA) ^ qfuplChecksum(b));
    }),
  );
  t.pass();
});

test("ISRG Root X1 uploaded to UFS in ACK mode: one A per full KB, then +QFUPL: 1939,4f64", async (t) => {
  if (!existsSync(ISRG)) return t.pass("ISRG Root X1 not installed");
  const host = await ready();
  const pem = new Uint8Array(readFileSync(ISRG));
  t.is(await uploadWithAcks(host, "isrgx1.pem", pem), `A\r\n+QFUPL: 1939,4f64\r\n${OK}`);
  t.is(await host.command("AT+QFLST"), `\r\n+QFLST: "isrgx1.pem",1939\r\n${OK}`);
  t.is(host.sim.inspect().stats.ackViolations, 0);
});

test("ACK mode: an A after the last block too when it ends on a 1 KB boundary", async (t) => {
  const host = await ready();
  const data = new Uint8Array(2048).fill(0x31);
  t.is(await uploadWithAcks(host, "RAM:two.bin", data), `AA\r\n+QFUPL: 2048,0\r\n${OK}`);
});

test("ACK mode: a driver that does not wait for A is caught", async (t) => {
  const host = await ready();
  t.is(await host.command('AT+QFUPL="RAM:blast.bin",3000,60,1'), "\r\nCONNECT\r\n");
  host.write(new Uint8Array(3000));
  await host.until((r) => r.endsWith(OK));
  t.true(host.sim.inspect().stats.ackViolations > 0);
});

test("QFUPL default size is 10240 and +++ ends the upload keeping the bytes so far", async (t) => {
  const host = await ready();
  t.is(await host.command('AT+QFUPL="RAM:part.txt"'), "\r\nCONNECT\r\n");
  host.write("hello");
  await host.advance(1_100);
  host.write("+++");
  await host.until((r) => r.endsWith(OK));
  t.is(host.take(), `\r\n+QFUPL: 5,${qfuplChecksum(Buffer.from("hello")).toString(16)}\r\n${OK}`);
  t.deepEqual(Buffer.from(host.sim.inspect().files.get("RAM:part.txt")!).toString(), "hello");
});

test("+++ without the guard silence before it is data", async (t) => {
  const host = await ready();
  t.is(await host.command('AT+QFUPL="RAM:plus.txt",8'), "\r\nCONNECT\r\n");
  host.write("ab+++");
  await host.advance(2_000);
  host.write("cde");
  await host.until((r) => r.endsWith(OK));
  host.take();
  t.is(Buffer.from(host.sim.inspect().files.get("RAM:plus.txt")!).toString(), "ab+++cde");
});

test("QFUPL timeout: no data for <timeout> s ends the upload with the partial file", async (t) => {
  const host = await ready();
  t.is(await host.command('AT+QFUPL="RAM:slow.txt",100,5'), "\r\nCONNECT\r\n");
  host.write("abcd");
  await host.until((r) => r.endsWith(OK));
  t.is(host.take(), `\r\n+QFUPL: 4,${qfuplChecksum(Buffer.from("abcd")).toString(16)}\r\n${OK}`);
});

test("QFUPL timeout can be configured to answer 421", async (t) => {
  const host = new Host({ uploadTimeoutResult: "error" });
  await host.ready(false);
  await host.command('AT+QFUPL="RAM:slow.txt",100,5');
  host.write("abcd");
  await host.until((r) => r.endsWith("\r\n"));
  t.is(host.take(), "\r\n+CME ERROR: 421\r\n");
  t.false(host.sim.inspect().files.has("RAM:slow.txt"));
});

test("uploading to an existing name fails with 407; QFDEL first works", async (t) => {
  const host = await ready();
  await host.command('AT+QFUPL="RAM:a.txt",1');
  host.write("x");
  await host.until((r) => r.endsWith(OK));
  host.take();
  t.is(await host.command('AT+QFUPL="RAM:a.txt",1'), "\r\n+CME ERROR: 407\r\n");
  t.is(await host.command('AT+QFDEL="RAM:a.txt"'), OK);
  t.is(await host.command('AT+QFUPL="RAM:a.txt",1'), "\r\nCONNECT\r\n");
});

test("QFDEL wildcards: RAM:* clears RAM only, * clears UFS; a missing file is 405", async (t) => {
  const host = await ready();
  for (const name of ["RAM:a", "RAM:b", "u1", "UFS:u2"]) {
    await host.command(`AT+QFUPL="${name}",2`);
    host.write("zz");
    await host.until((r) => r.endsWith(OK));
    host.take();
  }
  t.is(await host.command("AT+QFLST"), `\r\n+QFLST: "u1",2\r\n+QFLST: "u2",2\r\n${OK}`);
  t.is(await host.command('AT+QFLST="RAM:*"'), `\r\n+QFLST: "RAM:a",2\r\n+QFLST: "RAM:b",2\r\n${OK}`);
  t.is(await host.command('AT+QFLST="RAM:zz"'), "\r\n+CME ERROR: 405\r\n");
  t.is(await host.command('AT+QFDEL="RAM:*"'), OK);
  t.is(await host.command('AT+QFLST="RAM:*"'), OK);
  t.is(await host.command('AT+QFDEL="*"'), OK);
  t.is(await host.command("AT+QFLST"), OK);
  t.is(await host.command('AT+QFDEL="gone.txt"'), "\r\n+CME ERROR: 405\r\n");
});

test("QFLDS reports free/total per drive and used/count without a parameter", async (t) => {
  const host = await ready();
  await host.command('AT+QFUPL="u.bin",10');
  host.write("0123456789");
  await host.until((r) => r.endsWith(OK));
  host.take();
  t.is(await host.command("AT+QFLDS"), `\r\n+QFLDS: 10,1\r\n${OK}`);
  t.is(await host.command('AT+QFLDS="UFS"'), `\r\n+QFLDS: ${14_483_456 - 10},14483456\r\n${OK}`);
  t.is(await host.command('AT+QFLDS="RAM"'), `\r\n+QFLDS: 647668,647668\r\n${OK}`);
});

test("invalid names and sizes", async (t) => {
  const host = await ready();
  t.is(await host.command(`AT+QFUPL="RAM:${"n".repeat(81)}",1`), "\r\n+CME ERROR: 406\r\n");
  t.is(await host.command('AT+QFUPL="RAM:big",700000'), "\r\n+CME ERROR: 403\r\n");
  t.is(await host.command('AT+QFUPL="RAM:x",0'), "\r\n+CME ERROR: 400\r\n");
  t.is(await host.command('AT+QFUPL="RAM:x",1,1,2'), "\r\n+CME ERROR: 400\r\n");
});
