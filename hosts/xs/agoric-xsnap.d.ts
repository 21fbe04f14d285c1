// The part of @agoric/xsnap 0.15's Node API this host uses (the package ships JSDoc, no .d.ts).
// Source: node_modules/@agoric/xsnap/src/xsnap.js.

declare module "@agoric/xsnap" {
  import type { spawn as Spawn } from "node:child_process";

  export interface XsnapMeterUsage {
    meterType: string;
    /** Slots in use at the end of the crank (live plus garbage not yet collected). */
    currentHeapCount: number | null;
    /** Deterministic count of XS operations in the crank. */
    compute: number | null;
    /** Bytes the machine has allocated from the system (chunks and slot blocks). */
    allocate: number | null;
    timestamps: number[] | null;
  }

  export interface XsnapRunResult {
    reply: Uint8Array;
    meterUsage: XsnapMeterUsage;
  }

  export interface XsnapOptions {
    os: string;
    spawn: typeof Spawn;
    fs: object;
    name?: string;
    handleCommand?: (request: Uint8Array) => Promise<Uint8Array> | Uint8Array;
    debug?: boolean;
    stdout?: "ignore" | "inherit" | "pipe";
    stderr?: "ignore" | "inherit" | "pipe";
    /** Compute limit per crank (default 1e8); 0 disables it. Exceeding it kills the worker (exit 17). */
    meteringLimit?: number;
    netstringMaxChunkSize?: number;
    parserBufferSize?: number;
    env?: Record<string, string | undefined>;
  }

  export interface XsnapWorker {
    name: string;
    evaluate(code: string): Promise<XsnapRunResult>;
    issueCommand(message: Uint8Array): Promise<XsnapRunResult>;
    isReady(): Promise<void>;
    close(): Promise<void>;
    terminate(): Promise<void>;
  }

  export function xsnap(options: XsnapOptions): Promise<XsnapWorker>;
}
