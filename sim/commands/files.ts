// FILE commands: AT+QFUPL (upload with optional ACK mode and checksum), AT+QFLST, AT+QFDEL, AT+QFLDS.
import { intParam } from "../at-line";
import { parseFileName, qfuplChecksum, validBase } from "../files";
import { cme, error, ok, type Reply } from "../reply";
import type { CommandContext, CommandTable } from "./context";

/** FILE manual defaults: file_size 10240 bytes, timeout 5 s. ACK blocks are 1 KB. */
const DEFAULT_SIZE = 10240;
const DEFAULT_TIMEOUT_S = 5;
const ACK_BLOCK = 1024;

function upload(name: string, size: number, timeoutS: number, ack: boolean, context: CommandContext): Reply {
  return {
    kind: "data",
    phase: {
      length: size,
      ...(ack ? { ackBlock: ACK_BLOCK } : {}),
      timeoutMs: context.timing.scale(timeoutS * 1000),
      idle: true,
      finish: (bytes, end) => {
        // Unconfirmed on the EC20 what a timeout answers; configurable, see SimulatorOptions.
        if (end === "timeout" && (context.uploadTimeoutResult === "error" || bytes.length === 0)) return cme(421);
        context.files.put(name, bytes);
        return ok([`+QFUPL: ${bytes.length},${qfuplChecksum(bytes).toString(16)}`]);
      },
    },
  };
}

export const fileCommands: CommandTable = {
  "+QFUPL": (command, context) => {
    if (command.form === "test") return ok([`+QFUPL: (1-${context.files.free("UFS")}),(1-65535),(0,1)`]);
    if (command.form !== "write") return error();
    const [nameP, sizeP, timeoutP, ackP] = command.params;
    if (!nameP?.quoted || command.params.length > 4) return cme(400);
    const file = parseFileName(nameP.text);
    if (!validBase(file.base)) return cme(406);
    const size = sizeP ? intParam(sizeP, 1, Number.MAX_SAFE_INTEGER) : DEFAULT_SIZE;
    const timeout = timeoutP ? intParam(timeoutP, 1, 65535) : DEFAULT_TIMEOUT_S;
    const ack = ackP ? intParam(ackP, 0, 1) : 0;
    if (size === undefined || timeout === undefined || ack === undefined) return cme(400);
    if (context.files.has(nameP.text)) return cme(407);
    if (size > context.files.free(file.drive)) return cme(403);
    return upload(nameP.text, size, timeout, ack === 1, context);
  },
  "+QFLST": (command, context) => {
    if (command.form === "test") return ok();
    if (command.form === "read") return error();
    const pattern = command.form === "exec" ? "*" : command.params[0];
    const text = typeof pattern === "string" ? pattern : pattern?.quoted ? pattern.text : undefined;
    if (text === undefined) return cme(400);
    const listed = context.files.list(text);
    if (listed.length === 0 && !text.includes("*")) return cme(405);
    return ok(listed.map((f) => `+QFLST: "${f.display}",${f.size}`));
  },
  "+QFDEL": (command, context) => {
    if (command.form === "test") return ok();
    const name = command.params[0];
    if (command.form !== "write" || !name?.quoted) return cme(400);
    const deleted = context.files.delete(name.text);
    return deleted > 0 || name.text.includes("*") ? ok() : cme(405);
  },
  "+QFLDS": (command, context) => {
    if (command.form === "test") return ok(['+QFLDS: ("UFS","RAM")']);
    if (command.form === "exec") return ok([`+QFLDS: ${context.files.used("UFS")},${context.files.count("UFS")}`]);
    const drive = command.params[0]?.text.toUpperCase();
    if (command.form !== "write" || (drive !== "UFS" && drive !== "RAM")) return cme(400);
    return ok([`+QFLDS: ${context.files.free(drive)},${context.files.capacity[drive]}`]);
  },
};
