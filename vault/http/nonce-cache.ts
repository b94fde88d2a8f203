// Nonces seen within the signature window, in memory of this process only (docs/protocol.md,
// "Replay"). Entries live until the request they came with could no longer be accepted anyway;
// a restart clears them, which is why the verifier also refuses anything created before the
// server started, and why one data folder has one server (server-lock.ts).
export class NonceCache {
  readonly #seen = new Map<string, number>();
  #nextSweep = 0;

  /**
   * Records the nonce until `lastValidMs` (inclusive: the last instant its request could be
   * accepted); false when it was already seen and is still within that time.
   */
  remember(key: string, lastValidMs: number, nowMs: number): boolean {
    this.#sweep(nowMs);
    const prev = this.#seen.get(key);
    if (prev !== undefined && prev >= nowMs) return false;
    this.#seen.set(key, lastValidMs);
    return true;
  }

  get size(): number {
    return this.#seen.size;
  }

  #sweep(nowMs: number): void {
    if (nowMs < this.#nextSweep) return;
    this.#nextSweep = nowMs + 5_000;
    for (const [k, last] of this.#seen) if (last < nowMs) this.#seen.delete(k);
  }
}
