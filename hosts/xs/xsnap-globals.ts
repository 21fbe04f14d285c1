// Typed access to the globals the xsnap worker defines (xsnap-worker.c, xsBuildAgent). Only code
// that runs inside XS imports this; declaring them here instead of globally keeps Node code from
// seeing an `issueCommand` or `gc` that does not exist there.

export interface XsnapGlobals {
  /** Sends bytes to the Node parent and blocks until its `handleCommand` answers. */
  issueCommand(message: ArrayBuffer): ArrayBuffer;
  /** Writes its arguments to the worker's stdout. */
  print(...values: unknown[]): void;
  /** A full garbage collection. */
  gc(): void;
  /** The compute limit of this crank (0 = none). */
  currentMeterLimit(): number;
  /** Sets the crank's limit and compute index; returns the index before the call. */
  resetMeter(limit: number, index: number): number;
  /** Called by xsnap for every command from Node; may return { result } set before the queue drains. */
  handleCommand?: (message: ArrayBuffer) => ArrayBuffer | { readonly result: ArrayBuffer | undefined };
}

export function xsnapGlobals(): XsnapGlobals {
  const g = globalThis as unknown as XsnapGlobals;
  if (typeof g.issueCommand !== "function" || typeof g.resetMeter !== "function") {
    throw new Error("not running inside an xsnap worker (issueCommand/resetMeter missing)");
  }
  return g;
}

/** A copy that owns exactly its bytes, as issueCommand takes an ArrayBuffer, not a view. */
export function bufferOf(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer as ArrayBuffer;
  return bytes.slice().buffer as ArrayBuffer;
}
