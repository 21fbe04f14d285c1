// Declarations and typed functions of the FILE commands (facts 1): AT+QFUPL (ACK mode, checksum
// checked), AT+QFLST, AT+QFDEL, AT+QFLDS. Errors come from the FILE table (400-426).

import type { ByteSource, DataPhase } from "../../at/types";
import { ModemError } from "../errors";
import { FILE_NAME_MAX_BYTES, UPLOAD_ACK_BLOCK, UPLOAD_TIMEOUT_S } from "../limits";
import { ChecksumSource } from "./checksum";
import { declare, int, str } from "./declare";
import { allInts, execute, queryList, queryOne, transfer } from "./run";
import type { CommandChannel } from "./run";
import { LOCAL_MS, OWN_TIMEOUT_MARGIN_MS } from "./timeouts";

/** The largest upload we declare: the modem checks free space itself (test form "(1-<freesize>)");
 *  this only keeps the number an integer the line can carry. */
const UPLOAD_MAX_BYTES = 0x7fffffff;

export interface UploadResult {
  size: number;
  checksum: number;
}

/** `AT+QFUPL="<name>",<size>,<timeout>,<ackmode>` -> CONNECT, data, `+QFUPL: <size>,<checksum hex>`, OK. */
export const QFUPL = declare<UploadResult>({
  name: "+QFUPL", form: "write",
  args: [str("filename", FILE_NAME_MAX_BYTES, 1), int("file_size", 1, UPLOAD_MAX_BYTES),
    int("timeout", UPLOAD_TIMEOUT_S.min, UPLOAD_TIMEOUT_S.max), int("ackmode", 0, 1)],
  family: "file",
  timeoutMs: (v) => (v[2] as number) * 1000 + OWN_TIMEOUT_MARGIN_MS,
  timeoutSource: "the command's <timeout> + OWN_TIMEOUT_MARGIN_MS",
  expect: "+QFUPL:", dataPhase: true,
  parse: (line) => {
    const size = line.int(0);
    const checksum = line.hex(1);
    return allInts(size, checksum) ? { size, checksum } : undefined;
  },
});

export interface FileEntry {
  name: string;
  size: number;
}
/** At most this many listed files are kept: the mailer makes at most 10 RAM files, the rest is slack
 *  for strays. Further lines are counted in `omitted`. */
export const MAX_LISTED_FILES = 32;

/** `AT+QFLST="RAM:*"` -> `+QFLST: "RAM:test.txt",200` per file (a third field, the allocated size, is ignored). */
export const QFLST = declare<FileEntry>({
  name: "+QFLST", form: "write", args: [str("name_pattern", FILE_NAME_MAX_BYTES, 1)], family: "file",
  timeoutMs: LOCAL_MS, timeoutSource: "LOCAL_MS", expect: "+QFLST:", maxInfoLines: MAX_LISTED_FILES,
  parse: (line) => {
    const size = line.int(1);
    const name = line.str(0);
    return allInts(size) && name !== "" ? { name, size } : undefined;
  },
});

/** `AT+QFDEL="<name>"`: "RAM:*" deletes every RAM file (facts 1). */
export const QFDEL = declare({
  name: "+QFDEL", form: "write", args: [str("filename", FILE_NAME_MAX_BYTES, 1)], family: "file",
  timeoutMs: LOCAL_MS, timeoutSource: "LOCAL_MS",
});

export interface DriveSpace {
  free: number;
  total: number;
}
/** `AT+QFLDS="RAM"` -> `+QFLDS: 340168,647668,340168` (free, total, max) or "UFS" -> free,total. */
export const QFLDS = declare<DriveSpace>({
  name: "+QFLDS", form: "write", args: [{ kind: "word", name: "name_pattern", values: ["UFS", "RAM"] }], family: "file",
  timeoutMs: LOCAL_MS, timeoutSource: "LOCAL_MS", expect: "+QFLDS:",
  parse: (line) => {
    const free = line.int(0);
    const total = line.int(1);
    return allInts(free, total) ? { free, total } : undefined;
  },
});

export interface UploadOptions {
  /** ACK mode (default true): wait for the modem's `A` after each 1024 bytes, so a slow modem is never overrun. */
  ackMode?: boolean;
  /** The command's <timeout> in seconds. Default: 10 s + 1 s per 500 bytes (assumes at least 500 B/s). */
  timeoutS?: number;
  onProgress?(sent: number, total: number): void;
}

/** 10 s + 1 s per 500 bytes: enough for ACK mode at 9600 baud and up (about 900 B/s raw). */
export function defaultUploadTimeoutS(length: number): number {
  return Math.min(UPLOAD_TIMEOUT_S.max, 10 + Math.ceil(length / 500));
}

/**
 * Uploads `length` bytes from `source` to `name` and checks the modem's size and checksum against what
 * was sent. Resolves with the modem's figures; a mismatch is a ModemError of kind "checksum".
 */
export async function uploadFile(
  ch: CommandChannel, name: string, source: ByteSource, length: number, options: UploadOptions = {},
): Promise<UploadResult> {
  const ackMode = options.ackMode ?? true;
  const timeoutS = options.timeoutS ?? defaultUploadTimeoutS(length);
  const summed = new ChecksumSource(source);
  const data: DataPhase = { length, source: summed };
  if (ackMode) data.ackBlock = UPLOAD_ACK_BLOCK;
  if (options.onProgress) data.onProgress = options.onProgress;
  const { result, trace } = await transfer(ch, QFUPL, [name, length, timeoutS, ackMode ? 1 : 0], data);
  if (result.size !== length || result.checksum !== summed.checksum) {
    throw new ModemError({
      family: "file", kind: "checksum", code: 0, retry: "transient", command: trace,
      meaning: `upload mismatch: sent ${length} bytes checksum ${summed.checksum.toString(16)}, modem stored ${result.size} bytes checksum ${result.checksum.toString(16)}`,
      reason: "bytes were lost or corrupted on the UART; delete the file and upload again",
    });
  }
  return result;
}

/** Files matching `pattern` ("RAM:*"), at most MAX_LISTED_FILES; `omitted` counts the rest. */
export async function listFiles(ch: CommandChannel, pattern: string): Promise<{ files: FileEntry[]; omitted: number }> {
  const { items, omitted } = await queryList(ch, QFLST, [pattern]);
  return { files: items, omitted };
}
export const deleteFile = (ch: CommandChannel, name: string) => execute(ch, QFDEL, [name]);
export const readDriveSpace = (ch: CommandChannel, drive: "UFS" | "RAM") => queryOne(ch, QFLDS, [drive]);
