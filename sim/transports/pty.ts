// The simulator on a pseudo-terminal, so `serialport` and terminal programs talk to it as to a USB
// modem. A small python3 bridge (pty-bridge.py) owns the pty; no socat needed.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Modem } from "../modem";

export interface PtyAttachment {
  /** The device path, e.g. /dev/pts/5. */
  path: string;
  close(): Promise<void>;
}

export function attachPty(modem: Modem): Promise<PtyAttachment> {
  const script = fileURLToPath(new URL("./pty-bridge.py", import.meta.url));
  const child = spawn("python3", [script], { stdio: ["pipe", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let path: string | undefined;
    let head = Buffer.alloc(0);
    const exited = new Promise<void>((done) => child.once("exit", () => done()));
    child.once("error", reject);
    child.stdout.on("data", (chunk: Buffer) => {
      if (path !== undefined) return modem.fromHost(new Uint8Array(chunk));
      head = Buffer.concat([head, chunk]);
      const newline = head.indexOf(0x0a);
      if (newline < 0) return;
      path = head.subarray(0, newline).toString();
      const rest = head.subarray(newline + 1);
      modem.uart.hostBaud = "follow";
      modem.uart.toHost.deliver = (bytes) => {
        if (!child.stdin.destroyed) child.stdin.write(bytes);
      };
      if (rest.length) modem.fromHost(new Uint8Array(rest));
      resolve({
        path,
        close: async () => {
          modem.uart.toHost.deliver = () => {};
          child.stdin.end();
          await exited;
        },
      });
    });
    child.once("exit", (code) => {
      if (path === undefined) reject(new Error(`pty bridge exited (${code}) before printing a path`));
    });
  });
}
