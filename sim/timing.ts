// The modelled durations: how long the UART takes per byte and how long the modem thinks before it
// answers. One time factor scales all of them, so a test can run the real protocol at 1/100 speed
// and a benchmark can compute the floor any driver must pay (see `floorMs`).

/** Unscaled latencies in ms. Sources: ../shared/docs/ec20-facts.md (RDY ~12 s, QPOWD <= 60 s ...). */
export interface LatencyTable {
  /** PWRKEY to `RDY`. */
  rdy: number;
  /** Boot URCs after RDY (only shown when the URC port includes the UART). */
  bootUrcs: { text: string; afterRdyMs: number }[];
  /** RDY to network registration (+CREG: 0,1, +CSQ with signal). */
  registration: number;
  /** Any command not listed in `commands`. */
  defaultCommand: number;
  /** Per command name (as parsed: "+QIACT", "E", "" for bare AT). */
  commands: Record<string, number>;
  /** OK of AT+QPOWD to `POWERED DOWN`. */
  powerDown: number;
  /** Minimum time of an SMTP session (the result URC never comes earlier). */
  smtpSession: number;
  /** The +++ guard time (ATS12 = 50 -> 1 s). */
  escapeGuard: number;
  /** Data mode: last byte received to the final response. */
  dataEnd: number;
}

export const defaultLatencies: LatencyTable = {
  rdy: 12_000,
  bootUrcs: [
    { text: "+CFUN: 1", afterRdyMs: 100 },
    { text: "+CPIN: READY", afterRdyMs: 1_500 },
    { text: "+QUSIM: 1", afterRdyMs: 1_600 },
    { text: "+QIND: SMS DONE", afterRdyMs: 4_000 },
    { text: "+QIND: PB DONE", afterRdyMs: 6_000 },
  ],
  registration: 3_000,
  defaultCommand: 5,
  commands: {
    "+QIACT": 800,
    "+QIDEACT": 300,
    "+CFUN": 1_000,
    "+QFUPL": 20,
    "+QFDEL": 20,
    "+QSMTPPUT": 20,
    "+QSMTPBODY": 20,
    "+CSQ": 10,
  },
  powerDown: 1_500,
  smtpSession: 2_000,
  escapeGuard: 1_000,
  dataEnd: 10,
};

export class Timing {
  readonly factor: number;
  readonly table: LatencyTable;
  #baud: number;

  constructor(factor: number, baud: number, overrides: Partial<LatencyTable> = {}) {
    if (!(factor > 0)) throw new Error("time factor must be > 0");
    this.factor = factor;
    this.#baud = baud;
    this.table = {
      ...defaultLatencies,
      ...overrides,
      commands: { ...defaultLatencies.commands, ...(overrides.commands ?? {}) },
    };
  }

  get baud(): number {
    return this.#baud;
  }
  set baud(value: number) {
    this.#baud = value;
  }

  /** Scales a modelled duration to scheduler ms. */
  scale(ms: number): number {
    return ms * this.factor;
  }

  /** One byte on the wire: start bit, 8 data bits, stop bit. */
  byteMs(baud = this.#baud): number {
    return this.scale((10 * 1000) / baud);
  }

  /** Scaled latency of a command (by parsed name). */
  commandMs(name: string): number {
    return this.scale(this.table.commands[name] ?? this.table.defaultCommand);
  }

  /**
   * The least time (scaled) an exchange can take: the line out, the modem's latency, the answer back.
   * Benchmarks compare a driver's measured time against the sum of these.
   */
  floorMs(name: string, bytesOut: number, bytesIn: number): number {
    return (bytesOut + bytesIn) * this.byteMs() + this.commandMs(name);
  }
}
