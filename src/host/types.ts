// The small interfaces every host (ESP32, Node, the XS test host) supplies to the engine-neutral core.
// They are shaped like ECMA-419 (embedded:io) so the ESP32 host is a thin adapter, not a translation layer.

/** Callbacks a serial port delivers, as ECMA-419 passes them in the constructor's options. */
export interface SerialEvents {
  /** `count` bytes can be read now without blocking. */
  onReadable(count: number): void;
  /** `count` bytes can be written now; writing more throws (the ESP32's FIFO never takes a part).
   *  0 means "stop writing until the next report" (e.g. while the host reopens the UART at a new baud). */
  onWritable(count: number): void;
  /** The port failed or was closed under us; no further callbacks follow. */
  onError(message: string): void;
}

/**
 * A byte port shaped like ECMA-419 `embedded:io/serial` with `format: "buffer"`. Hosts call
 * `onWritable` once after opening with the initial free space, and again whenever space frees up.
 */
export interface SerialPort {
  /** Fills `into` with up to `into.length` received bytes; returns the count (0 when none). */
  read(into: Uint8Array): number;
  /** Writes all of `data` or throws; never more than the last `onWritable` count allows. */
  write(data: Uint8Array): void;
  close(): void;
}

/** Opens a port that reports to `events`; hosts bind this to their serial device. */
export type OpenSerial = (events: SerialEvents) => SerialPort;

/** Monotonic time in milliseconds and one-shot timers (Moddable `Timer.set` / `Timer.clear`). */
export interface Clock {
  now(): number;
  setTimer(callback: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}
export type TimerHandle = unknown;

/**
 * `TextEncoder.prototype.encodeInto`: every host has one natively (Moddable's `text/encoder` module
 * on the ESP32, the global on Node and xsnap), but XS has no global TextEncoder, so the core takes it
 * injected. Copying a command line natively costs XS a flat ~20 operations instead of ~24 per
 * character (measured, docs/performance.md). Optional: without it the core copies in a loop.
 */
export interface TextEncoding {
  encodeInto(source: string, destination: Uint8Array): unknown;
}

/** A digital output (PWRKEY, RESET_N, DTR) or input (STATUS), as `embedded:io/digital`. */
export interface DigitalOut {
  write(value: 0 | 1): void;
}
export interface DigitalIn {
  read(): 0 | 1;
}

export type LogLevel = "debug" | "info" | "warn" | "error";
/** Where diagnostics go. Callers never pass secrets: the core masks them before logging. */
export interface Log {
  (level: LogLevel, message: string): void;
}

/** A log that drops everything, for hosts and tests that do not care. */
export const silentLog: Log = () => {};
