// Moddable runtime modules outside ECMA-419, as the SDK declares them (typings/timer.d.ts,
// preference.d.ts, mc/config.d.ts).

declare module "timer" {
  type TimerID = number;
  type TimerCallback = (id: TimerID) => void;
  var Timer: {
    set: (callback: TimerCallback, interval?: number, repeat?: boolean) => TimerID;
    repeat: (callback: TimerCallback, interval?: number) => TimerID;
    schedule: (id: TimerID, interval?: number, repeat?: boolean) => void;
    clear: (id: TimerID) => void;
    delay: (ms: number) => void;
  };
  export { Timer as default };
}

declare module "text/encoder" {
  /** Moddable's TextEncoder ($(MODDABLE)/modules/data/text/encoder): UTF-8, natively. */
  export default class TextEncoder {
    encode(source: string): Uint8Array;
    encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
  }
}

declare module "preference" {
  /** NVS on the ESP32: domain and key at most 15 characters, values at most 4000 bytes; every set commits. */
  var Preference: {
    set: (domain: string, key: string, value: string | boolean | number | ArrayBuffer) => void;
    get: (domain: string, key: string) => string | boolean | number | ArrayBuffer | undefined;
    delete: (domain: string, key: string) => void;
    keys: (domain: string) => string[];
  };
  export { Preference as default };
}

declare module "mc/config" {
  /** The manifest's "config" object, deeply frozen; mcconfig command-line key=value pairs arrive as strings. */
  var Config: { file: { root: string } } & Record<string, any>;
  export { Config as default };
}

declare module "time" {
  /** `ticks`: milliseconds since boot, monotonic (manifest_base maps and preloads "time" on the ESP32). */
  var Time: {
    set: (seconds: number) => void;
    timezone: number;
    dst: number;
    ticks: number;
  };
  export { Time as default };
}

declare module "Resource" {
  /** A read-only resource built into the firmware (manifest "resources"), e.g. a CA certificate. */
  export default class Resource extends ArrayBuffer {
    constructor(path: string);
    static exists(path: string): boolean;
  }
}
