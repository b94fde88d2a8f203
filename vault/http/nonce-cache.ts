// Nonces seen within the signature window, in memory. Entries live until the request they came
// with could no longer be accepted anyway; a restart clears them, which is why the verifier
// also refuses anything created before the server started.
export class NonceCache {
  readonly #seen = new Map<string, number>();
  #nextSweep = 0;

  /** Records the nonce; false when it was already seen and has not expired. */
  remember(key: string, expiresAtMs: number, nowMs: number): boolean {
    this.#sweep(nowMs);
    const prev = this.#seen.get(key);
    if (prev !== undefined && prev > nowMs) return false;
    this.#seen.set(key, expiresAtMs);
    return true;
  }

  get size(): number {
    return this.#seen.size;
  }

  #sweep(nowMs: number): void {
    if (nowMs < this.#nextSweep) return;
    this.#nextSweep = nowMs + 5_000;
    for (const [k, exp] of this.#seen) if (exp <= nowMs) this.#seen.delete(k);
  }
}
