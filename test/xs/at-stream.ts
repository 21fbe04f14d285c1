// A deterministic stream of EC20 traffic for measurements: command exchanges as the modem sends them
// (echo, information lines, OK, +CME ERROR, a final URC after OK) with URCs in awkward places, and
// the commands a caller must submit, in order, for the stream to make sense. Engine-neutral: built
// the same way on Node and inside XS.

export interface StreamCommand {
  line: string;
  expect?: string;
  awaitUrc?: string;
  /** The outcome the stream gives this command: "ok" or e.g. "cme 652". */
  outcome: string;
  /** Information lines the command receives. */
  infos: number;
}

export interface AtStream {
  bytes: Uint8Array;
  commands: StreamCommand[];
  /** URC lines by kind: subscribed (+QIURC:) and unknown (+CMTI:). */
  subscribedUrcs: number;
  unknownUrcs: number;
}

/** Builds whole exchanges until at least `targetBytes`; the same seed gives the same stream. */
export function atStream(targetBytes: number, seed = 1): AtStream {
  let state = seed >>> 0 || 1;
  const random = (n: number) => {
    // xorshift32: small, deterministic, the same on every engine.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % n;
  };
  const parts: string[] = [];
  const commands: StreamCommand[] = [];
  let length = 0;
  let subscribedUrcs = 0;
  let unknownUrcs = 0;
  const put = (text: string) => {
    parts.push(text);
    length += text.length;
  };
  while (length < targetBytes) {
    const kind = random(6);
    if (kind === 0) {
      const line = "AT+CSQ";
      put(`${line}\r\r\n+CSQ: ${10 + random(21)},99\r\n\r\nOK\r\n`);
      commands.push({ line, expect: "+CSQ:", outcome: "ok", infos: 1 });
    } else if (kind === 1) {
      const line = 'AT+QFLST="*"';
      const files = 1 + random(4);
      put(`${line}\r\r\n`);
      for (let i = 0; i < files; i++) put(`+QFLST: "RAM:attachment${i}.bin",${100 + random(90000)}\r\n`);
      put("\r\nOK\r\n");
      commands.push({ line, expect: "+QFLST:", outcome: "ok", infos: files });
    } else if (kind === 2) {
      // A URC between the echo and the information line.
      const line = "AT+QIACT?";
      put(`${line}\r\r\n+QIURC: "pdpdeact",1\r\n+QIACT: 1,1,1,"10.${random(255)}.${random(255)}.1"\r\n\r\nOK\r\n`);
      subscribedUrcs++;
      commands.push({ line, expect: "+QIACT:", outcome: "ok", infos: 1 });
    } else if (kind === 3) {
      const line = "AT+QSMTPPUT=300";
      put(`${line}\r\r\nOK\r\n\r\n+QSMTPPUT: 0,0\r\n`);
      commands.push({ line, awaitUrc: "+QSMTPPUT:", outcome: "ok", infos: 0 });
    } else if (kind === 4) {
      const line = 'AT+QSMTPDST=1,1,"alarm@example.com"';
      put(`${line}\r\r\n+CME ERROR: 652\r\n`);
      commands.push({ line, outcome: "cme 652", infos: 0 });
    } else {
      // An SMS indication between exchanges: nobody subscribed, so the channel counts it as unknown.
      put(`\r\n+CMTI: "SM",${random(30)}\r\n`);
      unknownUrcs++;
    }
  }
  const text = parts.join("");
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return { bytes, commands, subscribedUrcs, unknownUrcs };
}
