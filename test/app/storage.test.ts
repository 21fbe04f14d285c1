// The storage adapters under the outbox and the history: a file on Node (erase = 0xFF, flush = fsync,
// contents survive a reopen), the app state file (atomic replace), and Moddable's flash module on the
// ESP32 (here a fake with the driver's semantics: NOR writes AND bits, read returns a new ArrayBuffer,
// write takes an ArrayBuffer and a byte count, erase takes a sector number).
import test from "ava";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { FlashStorage, type FlashPartition } from "../../hosts/esp32/flash-storage";
import { FileStorage } from "../../hosts/node/file-storage";
import { StateFile } from "../../hosts/node/state-file";
import { newRecord, ReadingHistory } from "../../src/app/history";
import { StorageRegion } from "../../src/app/region";
import { encodeState, decodeState, initialState } from "../../src/app/state";
import { Outbox } from "../../src/outbox/outbox";

const tempDir = () => mkdtempSync(path.join(tmpdir(), "ec20-app-"));

test("file storage: a new file reads as erased; outbox and history survive closing and reopening it", (t) => {
  const file = path.join(tempDir(), "store.bin");
  const storage = new FileStorage({ path: file, size: 16 * 4096 });
  t.is(statSync(file).size, 16 * 4096);
  const probe = new Uint8Array(8);
  storage.read(12345, probe);
  t.deepEqual([...probe], Array(8).fill(0xff));
  const outbox = new Outbox({ storage: new StorageRegion(storage, 0, 12 * 4096), random: () => 0.5 });
  const id = outbox.append("alarm", new Uint8Array([1, 2, 3]));
  const history = new ReadingHistory(new StorageRegion(storage, 12 * 4096, 4 * 4096));
  history.append(1000, 0, 21.5);
  storage.close();

  const again = new FileStorage({ path: file, size: 16 * 4096 });
  const outbox2 = new Outbox({ storage: new StorageRegion(again, 0, 12 * 4096), random: () => 0.5 });
  t.is(outbox2.next(0)?.id, id);
  const history2 = new ReadingHistory(new StorageRegion(again, 12 * 4096, 4 * 4096));
  t.is(history2.nextSeq, 1);
  const r = newRecord();
  t.true(history2.read(0, r));
  t.is(r.value, 21.5);
  again.erase(0, 4096);
  again.read(100, probe);
  t.deepEqual([...probe], Array(8).fill(0xff));
  t.throws(() => again.erase(10, 4096), { instanceOf: RangeError });
  t.throws(() => again.read(16 * 4096 - 4, probe), { instanceOf: RangeError });
  again.close();
});

test("file storage: a shorter file is extended with erased bytes, keeping what it held", (t) => {
  const file = path.join(tempDir(), "short.bin");
  writeFileSync(file, Buffer.from([0x11, 0x22, 0x33]));
  const storage = new FileStorage({ path: file, size: 2 * 4096, blockSize: 4096 });
  const bytes = new Uint8Array(6);
  storage.read(0, bytes);
  t.deepEqual([...bytes], [0x11, 0x22, 0x33, 0xff, 0xff, 0xff]);
  t.is(statSync(file).size, 8192);
  storage.close();
});

test("state file: saves replace the whole blob, and a damaged blob is refused by its checksum", (t) => {
  const file = path.join(tempDir(), "state.bin");
  const store = new StateFile(file);
  t.is(store.load(), undefined);
  const state = initialState(42, 2);
  state.nextReportAt = 1_800_000_000;
  state.rules[1] = { active: true, since: 1_799_999_000 };
  state.journal = [{ kind: "alarm", payload: new Uint8Array([9, 8, 7]) }];
  store.save(encodeState(state));
  const back = decodeState(store.load());
  t.deepEqual(back, state);
  const bytes = readFileSync(file);
  bytes[20] ^= 1;
  writeFileSync(file, bytes);
  t.is(decodeState(store.load()), undefined);
});

/** Moddable's flash module as esp32/flash.c behaves, over RAM. */
class FakeFlash implements FlashPartition {
  readonly byteLength: number;
  readonly blockSize = 4096;
  readonly cells: Uint8Array;
  writes = 0;
  constructor(sectors: number) {
    this.byteLength = sectors * 4096;
    this.cells = new Uint8Array(this.byteLength).fill(0xff);
  }
  erase(sector: number): void {
    if (!Number.isInteger(sector) || sector < 0 || (sector + 1) * 4096 > this.byteLength) throw new Error("erase failed");
    this.cells.fill(0xff, sector * 4096, (sector + 1) * 4096);
  }
  read(offset: number, byteLength: number): ArrayBuffer {
    if (offset + byteLength > this.byteLength) throw new Error("read failed");
    return this.cells.slice(offset, offset + byteLength).buffer;
  }
  write(offset: number, byteLength: number, buffer: ArrayBuffer): void {
    if (!(buffer instanceof ArrayBuffer)) throw new Error("invalid");
    if (byteLength <= 0 || buffer.byteLength < byteLength) throw new Error("invalid");
    if (offset + byteLength > this.byteLength) throw new Error("write failed");
    const data = new Uint8Array(buffer, 0, byteLength);
    for (let i = 0; i < byteLength; i++) this.cells[offset + i] &= data[i];
    this.writes++;
  }
}

test("flash storage: the outbox and history work over Moddable's flash calls, writes of any size and offset", (t) => {
  const flash = new FakeFlash(16);
  const storage = new FlashStorage(flash);
  t.is(storage.size, 16 * 4096);
  t.is(storage.blockSize, 4096);
  // A write longer than the 256-byte scratch, from a view at an offset.
  const big = new Uint8Array(700).map((_, i) => i & 0x7f);
  storage.write(4096 + 3, big.subarray(50, 650));
  const back = new Uint8Array(600);
  storage.read(4096 + 3, back);
  t.deepEqual([...back], [...big.subarray(50, 650)]);
  storage.erase(4096, 4096);
  storage.read(4096 + 3, back);
  t.true(back.every((b) => b === 0xff));

  const outbox = new Outbox({ storage: new StorageRegion(storage, 0, 12 * 4096), random: () => 0.5 });
  const payload = new Uint8Array(400).fill(0x5a);
  const id = outbox.append("report", payload);
  const history = new ReadingHistory(new StorageRegion(storage, 12 * 4096, 4 * 4096));
  for (let i = 0; i < 300; i++) history.append(i, 0, i);
  const outbox2 = new Outbox({ storage: new StorageRegion(new FlashStorage(flash), 0, 12 * 4096), random: () => 0.5 });
  const into = new Uint8Array(512);
  t.is(outbox2.readPayload(id, into), 400);
  t.deepEqual([...into.subarray(0, 400)], [...payload]);
  t.is(new ReadingHistory(new StorageRegion(new FlashStorage(flash), 12 * 4096, 4 * 4096)).nextSeq, 300);
  t.throws(() => new FlashStorage(flash, 5000), { instanceOf: RangeError });
  t.is(new FlashStorage(flash, 8192).size, 8192);
});
