// ECMA-419 IO classes as Moddable declares them (typings/embedded_io/{_common,serial,digital}.d.ts),
// reduced to the members this project uses. Keep in step with the SDK's files.

declare module "embedded:io/_common" {
  export type PinSpecifier = number;
  export type PortSpecifier = number;
  /** What `read(buffer)` fills and `write(buffer)` sends (the SDK's list, less XS's HostBuffer). */
  export type Buffer = ArrayBuffer | SharedArrayBuffer | Uint8Array | Uint8ClampedArray | Int8Array | DataView;
}

declare module "embedded:io/serial" {
  import type { Buffer, PinSpecifier, PortSpecifier } from "embedded:io/_common";
  class Serial {
    constructor(
      options: ({ receive: PinSpecifier; transmit?: PinSpecifier } | { receive?: PinSpecifier; transmit: PinSpecifier }) & {
        baud: number;
        flowControl?: "hardware" | "none";
        port: PortSpecifier;
        onReadable?: (this: Serial, bytes: number) => void;
        onWritable?: (this: Serial, bytes: number) => void;
        format?: "number" | "buffer";
        target?: any;
      },
    );
    close(): void;
    read(): number | ArrayBuffer | undefined;
    read(byteLength: number): ArrayBuffer | undefined;
    /** Fills `buffer` with what the FIFO holds; the count, or undefined when it holds nothing (ESP32). */
    read(buffer: Buffer): number | undefined;
    /** Throws "output full" when `value` exceeds the free TX FIFO space (ESP32: never writes part). */
    write(value: number | Buffer): void;
    get format(): "number" | "buffer";
    set format(value: "number" | "buffer");
  }
  export default Serial;
}

declare module "embedded:io/digital" {
  import type { PinSpecifier } from "embedded:io/_common";
  type Edge = number;
  type Mode =
    | typeof Digital.Input
    | typeof Digital.InputPullUp
    | typeof Digital.InputPullDown
    | typeof Digital.InputPullUpDown
    | typeof Digital.Output
    | typeof Digital.OutputOpenDrain;
  class Digital {
    static readonly Input: unknown;
    static readonly InputPullUp: unknown;
    static readonly InputPullDown: unknown;
    static readonly InputPullUpDown: unknown;
    static readonly Output: unknown;
    static readonly OutputOpenDrain: unknown;
    static readonly Rising: Edge;
    static readonly Falling: Edge;
    constructor(
      options: { pin: PinSpecifier; mode: Mode; format?: "number"; target?: any } & (
        | { onReadable: (this: Digital) => void; edge: Edge }
        | { edge?: Edge }
      ),
    );
    write(value: 0 | 1): void;
    read(): 0 | 1;
    close(): void;
  }
  export default Digital;
}
