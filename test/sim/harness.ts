// A minimal host for simulator tests: opens the in-process port on a virtual clock, keeps every
// received byte, writes within the writable window, and waits for final result codes.
import { createSimulator, VirtualClock, type DeliveryRequest, type DeliveryResult, type SimulatorOptions } from "../../sim/index";
import type { SerialPort } from "../../src/host/types";

export const FINAL = /(\r\n(OK|ERROR|CONNECT|\+CME ERROR: [^\r]*)\r\n|^[014]\r|\r\n[014]\r)$/;

export class Host {
  readonly clock = new VirtualClock();
  readonly sim;
  readonly port: SerialPort;
  /** Everything received since the last take(). */
  #received: number[] = [];
  #queue: number[] = [];
  #writable = 0;
  readonly requests: DeliveryRequest[] = [];
  deliveryResult: DeliveryResult = { err: 0, protocolError: 0 };

  constructor(options: SimulatorOptions = {}) {
    this.sim = createSimulator({
      scheduler: this.clock,
      deliver: async (request) => {
        this.requests.push(request);
        return this.deliveryResult;
      },
      ...options,
    });
    const buffer = new Uint8Array(256);
    this.port = this.sim.openDriverPort({
      onReadable: () => {
        for (let n = this.port.read(buffer); n > 0; n = this.port.read(buffer)) this.#received.push(...buffer.subarray(0, n));
      },
      onWritable: (count) => {
        this.#writable = count;
        this.#flush();
      },
      onError: (message) => {
        throw new Error(message);
      },
    });
  }

  /** Queues bytes; they leave as the port's window allows. */
  write(data: string | Uint8Array): void {
    const bytes = typeof data === "string" ? Buffer.from(data, "latin1") : data;
    this.#queue.push(...bytes);
    this.#flush();
  }

  #flush(): void {
    while (this.#queue.length > 0 && this.#writable > 0) {
      const chunk = Uint8Array.from(this.#queue.splice(0, this.#writable));
      this.#writable -= chunk.length;
      this.port.write(chunk);
    }
  }

  get pendingWrites(): number {
    return this.#queue.length;
  }

  /** The bytes received so far (not consumed). */
  peek(): string {
    return Buffer.from(this.#received).toString("latin1");
  }

  /** Returns and forgets what was received. */
  take(): string {
    const text = this.peek();
    this.#received = [];
    return text;
  }

  async advance(ms: number): Promise<void> {
    await this.clock.advance(ms);
  }

  async until(test: (received: string) => boolean, limitMs = 600_000): Promise<void> {
    await this.clock.until(() => test(this.peek()), limitMs);
  }

  /** Powers on and waits for RDY; returns what arrived (boot URCs may still follow). */
  async boot(): Promise<string> {
    this.sim.powerOn();
    await this.until((r) => r.includes("RDY"));
    return this.take();
  }

  /** Boots and waits until registered, with echo as given. */
  async ready(echo = true): Promise<void> {
    await this.boot();
    await this.advance(this.sim.timing.scale(this.sim.timing.table.registration + 7_000));
    this.take();
    if (!echo) await this.command("ATE0");
    this.take();
  }

  /** Sends a line and returns everything up to and including its final result code. */
  async command(line: string, limitMs = 600_000): Promise<string> {
    this.write(`${line}\r`);
    await this.until((r) => FINAL.test(r) && !(r.endsWith(`${line}\r`)), limitMs);
    return this.take();
  }
}

/** The manual's framing (facts §5): an information block `\r\n<lines>\r\n`, then `\r\n<result>\r\n`. */
export function framed(lines: string[]): string {
  const result = lines[lines.length - 1]!;
  const info = lines.slice(0, -1);
  return (info.length ? `\r\n${info.join("\r\n")}\r\n` : "") + `\r\n${result}\r\n`;
}

/** `n` bytes whose +QFUPL checksum is 0x0707 (the manual's example value): "ab" pairs cancel out. */
export function bytesWithChecksum707(n: number): Uint8Array {
  const bytes = Buffer.alloc(n, 0);
  bytes.write("ab".repeat((n - 4) / 2), 0, "latin1");
  bytes[n - 4] = 0x07;
  bytes[n - 3] = 0x07;
  return new Uint8Array(bytes);
}
