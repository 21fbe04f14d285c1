// The modem's file systems: UFS (survives a reboot) and RAM (lost on reboot), with the names,
// wildcards, capacities and the AT+QFUPL checksum of the Quectel FILE manuals.

export type Drive = "UFS" | "RAM";

export interface FileName {
  drive: Drive;
  /** The name without its drive prefix. */
  base: string;
}

/** Longest accepted file name (the FILE manual's 80 bytes). */
export const MAX_NAME = 80;

/** "RAM:x" -> RAM/x; "UFS:x" or "x" -> UFS/x. */
export function parseFileName(name: string): FileName {
  const upper = name.slice(0, 4).toUpperCase();
  if (upper === "RAM:") return { drive: "RAM", base: name.slice(4) };
  if (upper === "UFS:") return { drive: "UFS", base: name.slice(4) };
  return { drive: "UFS", base: name };
}

export function validBase(base: string): boolean {
  return base.length > 0 && base.length <= MAX_NAME && !/[\\/:"\x00-\x1f]/.test(base);
}

/** The 16-bit XOR of big-endian byte pairs; an odd last byte is the high half. */
export function qfuplChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) {
    const high = bytes[i]!;
    const low = i + 1 < bytes.length ? bytes[i + 1]! : 0;
    sum ^= (high << 8) | low;
  }
  return sum;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\?]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`, "i");
}

export interface ListedFile {
  /** As AT+QFLST prints it: "RAM:x" for RAM, the bare name for UFS. */
  display: string;
  size: number;
}

export class FileStore {
  readonly #drives: Record<Drive, Map<string, Uint8Array>> = { UFS: new Map(), RAM: new Map() };
  readonly capacity: Record<Drive, number>;

  constructor(capacity: Partial<Record<Drive, number>> = {}) {
    // UFS: the BG96 example's 14 MB total; RAM: the ~650 KB seen on a Quectel LTE module.
    this.capacity = { UFS: capacity.UFS ?? 14_483_456, RAM: capacity.RAM ?? 647_668 };
  }

  get(name: string): Uint8Array | undefined {
    const { drive, base } = parseFileName(name);
    return this.#drives[drive].get(base);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  put(name: string, bytes: Uint8Array): void {
    const { drive, base } = parseFileName(name);
    this.#drives[drive].set(base, bytes);
  }

  used(drive: Drive): number {
    let total = 0;
    for (const bytes of this.#drives[drive].values()) total += bytes.length;
    return total;
  }

  count(drive: Drive): number {
    return this.#drives[drive].size;
  }

  free(drive: Drive): number {
    return this.capacity[drive] - this.used(drive);
  }

  /** Files matching a name or wildcard pattern ("*", "RAM:*", "RAM:a*.txt"). */
  list(pattern: string): ListedFile[] {
    const { drive, base } = parseFileName(pattern);
    const match = globToRegExp(base);
    const out: ListedFile[] = [];
    for (const [name, bytes] of this.#drives[drive]) {
      if (match.test(name)) out.push({ display: drive === "RAM" ? `RAM:${name}` : name, size: bytes.length });
    }
    return out;
  }

  /** Deletes matching files; returns how many went. */
  delete(pattern: string): number {
    const { drive, base } = parseFileName(pattern);
    const match = globToRegExp(base);
    let deleted = 0;
    for (const name of [...this.#drives[drive].keys()]) {
      if (match.test(name)) {
        this.#drives[drive].delete(name);
        deleted++;
      }
    }
    return deleted;
  }

  /** A reboot: RAM is gone, UFS stays. */
  clearRam(): void {
    this.#drives.RAM.clear();
  }

  /** Snapshot for tests: "RAM:x" / "UFS:x" -> bytes. */
  snapshot(): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>();
    for (const drive of ["UFS", "RAM"] as const) {
      for (const [name, bytes] of this.#drives[drive]) out.set(`${drive}:${name}`, bytes);
    }
    return out;
  }
}
