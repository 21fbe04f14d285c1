// Where a CLI command writes: stdout, stderr, whether stdout is a terminal, and the core's Log sink
// (to stderr, masked, with --verbose only: without it the commands print their own outcome).

import type { Log } from "../../../src/host/types";
import type { SecretMask } from "./mask";

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  stdoutIsTty: boolean;
  /** The core's log: to stderr with --verbose, secrets masked. */
  log(mask: SecretMask): Log;
}

export function processIo(verbose: boolean): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    stdoutIsTty: process.stdout.isTTY === true,
    log: (mask) => (level, message) => {
      if (verbose) process.stderr.write(`${level}: ${mask.apply(message)}\n`);
    },
  };
}
