// Signed audit checkpoints: "the chain's row <seq> has hash <hash>", MAC'd with a key derived
// from the master key, kept in <data>/audit.checkpoint beside the database rather than in it.
// A truncated or lost WAL rolls the database back, and whoever edits the database can rewrite
// every row and recompute every hash; neither can produce a checkpoint that matches, so rows
// lost or rewritten up to the last checkpoint are found (see docs/architecture.md).
//
// The file holds two fixed-size slots written in turn in place (pwrite, no rename): a write torn
// by a crash damages one slot at most and the other still holds the previous checkpoint. Readers
// take the valid slot with the highest seq. The file is created by `vault init` (or the first
// open after the migration that introduced the chain); it is never re-created silently, so a
// deleted checkpoint file stays visible as such.
import { timingSafeEqual } from "node:crypto";
import { closeSync, constants, existsSync, fdatasync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import type { AtRest } from "../crypto/at-rest.js";
import { syncDir } from "../crypto/master-key.js";
import { MAIN_CHAIN } from "../crypto/audit-chain.js";

export const CHECKPOINT_FILE = "audit.checkpoint";
const SLOT = 256;
const MAC_PURPOSE = "audit-checkpoint";

export interface Checkpoint {
  /** The last row the checkpoint attests. */
  seq: number;
  /** That row's hash. */
  hash: string;
  /** When the checkpoint was written (ISO). */
  time: string;
}

export type CheckpointState =
  | { status: "ok"; checkpoint: Checkpoint }
  | { status: "missing" }
  /** The file exists but no slot carries a valid signature under this master key. */
  | { status: "invalid" };

function macInput(chain: string, c: Checkpoint): string {
  return `alter-audit-checkpoint/v1\n${chain}\n${c.seq}\n${c.hash}\n${c.time}`;
}

/** The checkpoint's MAC (hex) for `chain`: the same signature in the file and in a database row. */
export function signCheckpoint(crypto: AtRest, chain: string, c: Checkpoint): string {
  return crypto.mac(MAC_PURPOSE, macInput(chain, c));
}

/** Whether `mac` is the checkpoint's MAC for `chain` under this master key (constant time). */
export function checkpointMacValid(crypto: AtRest, chain: string, c: Checkpoint, mac: unknown): boolean {
  const want = Buffer.from(signCheckpoint(crypto, chain, c), "utf8");
  const got = Buffer.from(typeof mac === "string" ? mac : "", "utf8");
  return got.length === want.length && timingSafeEqual(got, want);
}

export function checkpointPath(dataDir: string): string {
  return join(dataDir, CHECKPOINT_FILE);
}

export class CheckpointFile {
  readonly #file: string;
  readonly #crypto: AtRest;
  readonly #chain: string;
  /** The slot the next write goes to (the one not holding the newest valid checkpoint). */
  #next = 0;
  /** Kept open while writes come (a busy server writes one per commit); closed by the sync. */
  #fd: number | undefined;
  #syncTimer: NodeJS.Timeout | undefined;

  constructor(dataDir: string, crypto: AtRest, chain: string = MAIN_CHAIN) {
    this.#file = checkpointPath(dataDir);
    this.#crypto = crypto;
    this.#chain = chain;
    this.read();
  }

  get path(): string {
    return this.#file;
  }

  exists(): boolean {
    return existsSync(this.#file);
  }

  /** The newest valid checkpoint, or why there is none. */
  read(): CheckpointState {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.#file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return { status: "missing" };
      throw e;
    }
    let best: { slot: number; cp: Checkpoint } | undefined;
    for (const slot of [0, 1]) {
      const cp = this.#parse(bytes.subarray(slot * SLOT, (slot + 1) * SLOT));
      if (cp && (!best || cp.seq > best.cp.seq)) best = { slot, cp };
    }
    if (!best) return { status: "invalid" };
    this.#next = 1 - best.slot;
    return { status: "ok", checkpoint: best.cp };
  }

  /** Creates the file with a first checkpoint (init, first open after the chain's migration, override). */
  create(cp: Checkpoint): void {
    const fd = openSync(this.#file, constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC, 0o600);
    try {
      writeSync(fd, this.#slot(cp), 0, SLOT, 0);
      writeSync(fd, Buffer.alloc(SLOT, 0x20), 0, SLOT, SLOT);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    syncDir(dirname(this.#file));
    this.#next = 1;
  }

  /**
   * Writes a checkpoint into the older slot. It reaches the page cache at once (it survives the
   * process being killed, like the WAL) and the disk within a second (fdatasync). Returns false
   * when the file does not exist (it is never re-created here).
   */
  write(cp: Checkpoint, slot?: number): boolean {
    if (this.#fd === undefined) {
      try {
        this.#fd = openSync(this.#file, constants.O_RDWR);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
        throw e;
      }
    }
    const s = slot ?? this.#next;
    writeSync(this.#fd, this.#slot(cp), 0, SLOT, s * SLOT);
    this.#next = 1 - s;
    this.#scheduleSync();
    return true;
  }

  /** The slot a write would go to next (rotation writes the new key's checkpoint there first). */
  get nextSlot(): number {
    return this.#next;
  }

  /** Flushes what was written to disk now and closes the file (process end). */
  syncNow(): void {
    if (this.#syncTimer) clearTimeout(this.#syncTimer);
    this.#syncTimer = undefined;
    const fd = this.#fd;
    if (fd === undefined) return;
    this.#fd = undefined;
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  #scheduleSync(): void {
    if (this.#syncTimer) return;
    this.#syncTimer = setTimeout(() => {
      this.#syncTimer = undefined;
      // Later writes open the file afresh; this descriptor is synced, then closed.
      const fd = this.#fd;
      this.#fd = undefined;
      if (fd !== undefined) fdatasync(fd, () => closeSync(fd));
    }, 1000);
    this.#syncTimer.unref();
  }

  #slot(cp: Checkpoint): Buffer {
    const text = JSON.stringify({ v: 1, chain: this.#chain, seq: cp.seq, hash: cp.hash, time: cp.time, mac: signCheckpoint(this.#crypto, this.#chain, cp) });
    const buf = Buffer.alloc(SLOT, 0x20);
    buf.write(text, 0, "utf8");
    buf[SLOT - 1] = 0x0a;
    return buf;
  }

  #parse(slot: Buffer): Checkpoint | undefined {
    try {
      const o = JSON.parse(slot.toString("utf8").trim()) as Record<string, unknown>;
      if (o.v !== 1 || o.chain !== this.#chain || !Number.isSafeInteger(o.seq) || typeof o.hash !== "string" || typeof o.time !== "string") return undefined;
      const cp: Checkpoint = { seq: o.seq as number, hash: o.hash, time: o.time };
      return checkpointMacValid(this.#crypto, this.#chain, cp, o.mac) ? cp : undefined;
    } catch {
      return undefined;
    }
  }
}
