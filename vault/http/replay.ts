// Replay protection for signed requests (docs/protocol.md, "Replay"): a nonce is accepted once
// within its request's time window. Two guards, by the store's engine:
// - SQLite (one process per data folder, server-lock.ts): nonces in this process's memory
//   (nonce-cache.ts), plus "nothing signed before this process started", since a restart forgets
//   them. No database round trip on the hot path.
// - PostgreSQL (several instances over one database): the shared, durable request_nonces table
//   (store/nonces.ts), so a nonce one instance accepted is refused by every other, and a restart
//   forgets nothing; expired rows are swept by a timer this guard owns.
import type { Store } from "../storage/store/index.js";
import { NonceCache } from "./nonce-cache.js";

export interface ReplayGuard {
  /** True when nonces outlive this process: then a request signed before it started is fine. */
  readonly durable: boolean;
  /**
   * Records (key, nonce) until `lastValidMs` (inclusive: the last instant its request could be
   * accepted); false when it was already recorded and that instant has not passed: a replay.
   */
  remember(keyId: string, nonce: string, lastValidMs: number, nowMs: number): boolean | Promise<boolean>;
  /** Stops the sweeping timer (the server's close). */
  close(): void;
}

export interface ReplayGuardOptions {
  now: () => number;
  /** How often expired durable nonces are deleted. @default 60 s */
  sweepEveryMs?: number;
  /** Where a failed sweep is reported (the next sweep tries again). */
  log?: (line: string) => void;
}

export function replayGuard(store: Store, opts: ReplayGuardOptions): ReplayGuard {
  return store.sql.dialect === "postgres" ? durableGuard(store, opts) : memoryGuard();
}

function memoryGuard(): ReplayGuard {
  const cache = new NonceCache();
  return {
    durable: false,
    remember: (keyId, nonce, lastValidMs, nowMs) => cache.remember(`${keyId}:${nonce}`, lastValidMs, nowMs),
    close: () => {},
  };
}

function durableGuard(store: Store, opts: ReplayGuardOptions): ReplayGuard {
  let sweeping = false;
  const sweep = () => {
    if (sweeping) return;
    sweeping = true;
    store.nonces
      .sweep(opts.now())
      .catch((e: unknown) => opts.log?.(`alter vault: could not sweep expired request nonces: ${e instanceof Error ? e.message.split("\n")[0] : "unknown error"}`))
      .finally(() => (sweeping = false));
  };
  // unref'd: the timer never keeps a process alive on its own.
  const timer = setInterval(sweep, opts.sweepEveryMs ?? 60_000);
  timer.unref();
  return {
    durable: true,
    // The row expires one millisecond after the last valid instant (a row expires when
    // expires_at <= now), which keeps the memory guard's inclusive bound.
    remember: (keyId, nonce, lastValidMs, nowMs) => store.nonces.remember(keyId, nonce, lastValidMs + 1, nowMs),
    close: () => clearInterval(timer),
  };
}
