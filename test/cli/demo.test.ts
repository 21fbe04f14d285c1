// `npm start` on a fresh clone: the demo runs without a TTY, delivers reports and an alarm, exits 0.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import test from "ava";

test("the demo delivers reports and an alarm through the pty-attached simulator and exits 0", async (t) => {
  const demo = fileURLToPath(new URL("../../hosts/node/demo.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", demo], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`demo did not exit within 90 s:\n${out}`));
    }, 90_000);
    child.once("close", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  t.is(code, 0, out);
  t.regex(out, /Subject: \[ec20-mail #\d+\] pump-station-3 ALARM tank-high/);
  t.regex(out, /Subject: \[ec20-mail #\d+\] pump-station-3 report /);
  t.regex(out, /attachment: readings\.csv \(\d+ bytes, text\/csv\)/);
  t.regex(out, /failed 1/, "the refused PDP activation shows as a failed send that is retried");
  t.regex(out, /^demo OK/m);
});
