// The shapes of the Moddable classes the ESP32 host is built from (`embedded:io/serial`,
// `embedded:io/digital`, `timer`), as structural types. The host modules take the classes as
// arguments instead of importing them, so main.ts hands them the real ones on the device and the
// Node tests hand them fakes that behave like the ESP32 driver; the adapters are the same code.

/** ECMA-419 serial options the adapter passes (ESP32: 8N1, no flow control, no software buffer). */
export interface Esp32SerialOptions {
  port: number;
  receive: number;
  transmit: number;
  baud: number;
  format: "buffer";
  onReadable: (count: number) => void;
  onWritable: (count: number) => void;
}

/** An open `embedded:io/serial` instance with `format: "buffer"`. */
export interface Esp32SerialDevice {
  /** Fills `buffer` from the RX FIFO; the count, or undefined when the FIFO is empty. */
  read(buffer: Uint8Array): number | undefined;
  /** Puts all of `data` in the TX FIFO or throws "output full"; never a part. */
  write(data: Uint8Array): void;
  close(): void;
}

export type Esp32SerialClass = new (options: Esp32SerialOptions) => Esp32SerialDevice;

/** An open `embedded:io/digital` pin. */
export interface DigitalDevice {
  read(): 0 | 1;
  write(value: 0 | 1): void;
  close(): void;
}

/** `embedded:io/digital`: the constructor and the mode constants the pins module needs. */
export interface DigitalClass {
  new (options: { pin: number; mode: unknown }): DigitalDevice;
  readonly Input: unknown;
  readonly InputPullDown: unknown;
  readonly Output: unknown;
}

/**
 * Moddable's `timer` module. Its typings call the id a number; current runtimes return a host object.
 * Either way the id is opaque here.
 */
export interface TimerModule {
  set(callback: (id: number) => void, interval?: number, repeat?: boolean): number;
  clear(id: number): void;
}

/** Moddable's `time` module: `ticks` is milliseconds since boot. */
export interface TicksSource {
  readonly ticks: number;
}
