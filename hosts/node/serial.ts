// The Node host's serial port: the `serialport` package (a USB modem at /dev/ttyUSB2, or the
// simulator's pseudo-terminal) behind the ECMA-419-shaped SerialPort the core expects.
// Node buffers writes itself; we still hand out a bounded window so the channel behaves as on the
// ESP32, and receive into a fixed ring so a stalled reader cannot grow memory.

import { SerialPort as NodeSerialPort } from "serialport";
import type { OpenSerial, SerialEvents, SerialPort } from "../../src/host/types";

/** Bytes handed out per onWritable: about 90 ms of data at 115200 baud, like a FIFO plus driver buffer. */
export const NODE_TX_WINDOW = 1024;
/** Received bytes held until the channel reads them; overflow is reported, never grown. */
export const NODE_RX_CAPACITY = 16384;

export interface NodeSerialOptions {
  path: string;
  baud: number;
}

/** Opens the device and resolves once it is open, with an OpenSerial for AtChannel. */
export async function openNodeSerial(options: NodeSerialOptions): Promise<{ open: OpenSerial; setBaud(baud: number): Promise<void> }> {
  const device = new NodeSerialPort({ path: options.path, baudRate: options.baud, autoOpen: false, lock: false });
  await new Promise<void>((resolve, reject) => device.open((error) => (error ? reject(error) : resolve())));
  const open: OpenSerial = (events) => new NodeSerialAdapter(device, events);
  const setBaud = (baud: number) =>
    new Promise<void>((resolve, reject) => device.update({ baudRate: baud }, (error) => (error ? reject(error) : resolve())));
  return { open, setBaud };
}

class NodeSerialAdapter implements SerialPort {
  readonly #device: NodeSerialPort;
  readonly #events: SerialEvents;
  readonly #ring = new Uint8Array(NODE_RX_CAPACITY);
  #head = 0; // next byte to read
  #size = 0;
  #closed = false;
  #lost = 0;
  #used = 0; // bytes written from the current window

  constructor(device: NodeSerialPort, events: SerialEvents) {
    this.#device = device;
    this.#events = events;
    device.on("data", (chunk: Uint8Array) => this.#onData(chunk));
    device.on("error", (error: Error) => this.#onError(error.message));
    device.on("close", () => this.#onError("port closed"));
    queueMicrotask(() => events.onWritable(NODE_TX_WINDOW));
  }

  read(into: Uint8Array): number {
    const n = Math.min(into.length, this.#size);
    const ring = this.#ring;
    for (let i = 0; i < n; i++) into[i] = ring[(this.#head + i) % ring.length];
    this.#head = (this.#head + n) % ring.length;
    this.#size -= n;
    return n;
  }

  write(data: Uint8Array): void {
    if (this.#closed) throw new Error("port closed");
    // Copy: the channel reuses its buffer as soon as write returns.
    this.#device.write(Buffer.from(data));
    this.#used += data.length;
    if (this.#used >= NODE_TX_WINDOW) {
      // The window is spent: grant a new one once the OS has taken the bytes.
      this.#used = 0;
      this.#device.drain(() => {
        if (!this.#closed) this.#events.onWritable(NODE_TX_WINDOW);
      });
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#device.removeAllListeners("data");
    if (this.#device.isOpen) this.#device.close();
  }

  /** Bytes dropped because the channel did not read in time. */
  get lostBytes(): number {
    return this.#lost;
  }

  #onData(chunk: Uint8Array): void {
    const ring = this.#ring;
    for (let i = 0; i < chunk.length; i++) {
      if (this.#size === ring.length) {
        this.#lost += chunk.length - i;
        break;
      }
      ring[(this.#head + this.#size) % ring.length] = chunk[i];
      this.#size++;
    }
    this.#events.onReadable(this.#size);
  }

  #onError(message: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#events.onError(message);
  }
}
