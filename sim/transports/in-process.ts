// The driver's side of the UART inside the same process: a SerialPort as src/host/types.ts defines
// it. Writes go through a transmit FIFO of fixed size (the ESP32's is 128 bytes), so a driver must
// respect onWritable; received bytes wait in a bounded buffer and overflow is counted, as on a
// device whose code does not read fast enough. Callbacks always arrive from scheduler timers.
import type { OpenSerial, SerialEvents, SerialPort } from "../../src/host/types";
import type { Modem } from "../modem";
import type { Scheduler } from "../scheduler";

export interface InProcessPortOptions {
  /** Transmit FIFO bytes (ESP32 UART hardware FIFO: 128). */
  txFifo: number;
  /** Receive buffer bytes before overflow (a typical ESP-IDF UART driver buffer). */
  rxCapacity: number;
}

export interface InProcessPortStats {
  /** Bytes lost because the driver did not read in time. */
  rxOverflow: number;
  /** Writes refused because they exceeded the writable count. */
  refusedWrites: number;
}

export function createInProcessOpener(modem: Modem, scheduler: Scheduler, options: InProcessPortOptions): { open: OpenSerial; stats: InProcessPortStats } {
  const stats: InProcessPortStats = { rxOverflow: 0, refusedWrites: 0 };
  let current: { closed: boolean } | undefined;

  const open: OpenSerial = (events: SerialEvents): SerialPort => {
    if (current && !current.closed) throw new Error("the simulated UART is already open");
    const self = { closed: false };
    current = self;
    let writable = options.txFifo;
    let received: Uint8Array[] = [];
    let available = 0;

    modem.onHostBytesSent = (count) => {
      if (self.closed) return;
      writable = Math.min(options.txFifo, writable + count);
      events.onWritable(writable);
    };
    modem.uart.toHost.deliver = (bytes) => {
      if (self.closed) return;
      const room = options.rxCapacity - available;
      const kept = bytes.length > room ? bytes.subarray(0, room) : bytes;
      stats.rxOverflow += bytes.length - kept.length;
      if (kept.length === 0) return;
      received.push(kept.slice());
      available += kept.length;
      events.onReadable(available);
    };
    scheduler.setTimer(() => {
      if (!self.closed) events.onWritable(writable);
    }, 0);

    return {
      read(into: Uint8Array): number {
        let count = 0;
        while (count < into.length && received.length > 0) {
          const head = received[0]!;
          const n = Math.min(head.length, into.length - count);
          into.set(head.subarray(0, n), count);
          count += n;
          if (n === head.length) received.shift();
          else received[0] = head.subarray(n);
        }
        available -= count;
        return count;
      },
      write(data: Uint8Array): void {
        if (self.closed) throw new Error("port closed");
        if (data.length > writable) {
          stats.refusedWrites++;
          throw new Error(`write of ${data.length} bytes exceeds the writable count ${writable}`);
        }
        writable -= data.length;
        modem.fromHost(data.slice());
      },
      close(): void {
        self.closed = true;
        received = [];
        available = 0;
        modem.onHostBytesSent = undefined;
        modem.uart.toHost.deliver = () => {};
      },
    };
  };
  return { open, stats };
}
