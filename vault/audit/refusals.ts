// Refused requests in the audit log: forged, replayed, stale, unknown or revoked key, bad digest,
// invalid user token, and any other 401/403 answer no route handler audited itself. Anyone who
// can reach the port can send such requests, so rows are rate-limited per source: a token bucket
// per (remote address, reason). A refusal that finds its bucket (or the vault-wide bucket) empty
// is counted instead of written; the count is written as one `request.refused.suppressed` row
// when the bucket has refilled (checked every few seconds), and at shutdown. Memory is bounded
// too: past `maxSources` buckets, new sources share one bucket per reason.
import type { AuditEntry } from "./writer.js";
import type { AuditLog } from "./log.js";

export const REFUSED_ACTION = "request.refused";
export const SUPPRESSED_ACTION = "request.refused.suppressed";

export interface Refusal {
  /** The error code answered (signature_invalid, unknown_key, …). */
  reason: string;
  status: number;
  remoteAddress: string;
  /** The id of the key the request named, when it is a key of this vault. */
  keyId?: string | null;
  appId?: string | null;
  /** The key id a request named that is no key of this vault (attacker-chosen text, shortened). */
  claimedKeyId?: string | null;
  method?: string;
  /** The request path, without the query. */
  path?: string;
}

export interface RefusalLimits {
  /** Rows a source may write at once, per reason. @default 20 */
  burst: number;
  /** Rows per second a source regains, per reason. @default 1 */
  perSecond: number;
  /** Rows the whole vault may write at once. @default 200 */
  globalBurst: number;
  /** Rows per second the whole vault regains. @default 20 */
  globalPerSecond: number;
  /** Buckets kept in memory before new sources share one. @default 10000 */
  maxSources: number;
  /** How often counts of suppressed refusals are written (ms). @default 5000 */
  summaryEveryMs: number;
}

export const DEFAULT_REFUSAL_LIMITS: RefusalLimits = { burst: 20, perSecond: 1, globalBurst: 200, globalPerSecond: 20, maxSources: 10_000, summaryEveryMs: 5000 };

class Bucket {
  tokens: number;
  at: number;
  suppressed = 0;
  firstSuppressed = 0;
  lastSuppressed = 0;
  constructor(
    readonly burst: number,
    readonly perSecond: number,
    now: number,
  ) {
    this.tokens = burst;
    this.at = now;
  }
  refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
  }
}

interface Source {
  bucket: Bucket;
  sample: Refusal;
}

export class RefusalRecorder {
  readonly #audit: AuditLog;
  readonly #now: () => number;
  readonly #limits: RefusalLimits;
  readonly #global: Bucket;
  readonly #sources = new Map<string, Source>();
  readonly #log: (line: string) => void;
  #timer: NodeJS.Timeout | undefined;

  constructor(audit: AuditLog, opts: { now?: () => number; limits?: Partial<RefusalLimits>; log?: (line: string) => void } = {}) {
    this.#audit = audit;
    this.#now = opts.now ?? Date.now;
    this.#limits = { ...DEFAULT_REFUSAL_LIMITS, ...opts.limits };
    this.#global = new Bucket(this.#limits.globalBurst, this.#limits.globalPerSecond, this.#now());
    this.#log = opts.log ?? (() => {});
  }

  /** Records one refusal (a row, or one more in the count of its source). Never throws. */
  record(r: Refusal): void {
    const now = this.#now();
    this.#arm();
    const source = this.#source(r, now);
    const b = source.bucket;
    b.refill(now);
    this.#global.refill(now);
    if (b.suppressed === 0 && b.tokens >= 1 && this.#global.tokens >= 1) {
      b.tokens -= 1;
      this.#global.tokens -= 1;
      this.#write(refusalEntry(r));
      return;
    }
    if (b.suppressed === 0) b.firstSuppressed = now;
    b.suppressed++;
    b.lastSuppressed = now;
  }

  /** Writes the counts of sources whose buckets have refilled (all of them when `all`). */
  flush(all = false): void {
    const now = this.#now();
    this.#global.refill(now);
    for (const [key, s] of this.#sources) {
      const b = s.bucket;
      b.refill(now);
      if (b.suppressed > 0 && (all || (b.tokens >= 1 && this.#global.tokens >= 1))) {
        b.tokens = Math.max(0, b.tokens - 1);
        this.#global.tokens = Math.max(0, this.#global.tokens - 1);
        this.#write(summaryEntry(s.sample, b), all);
        b.suppressed = 0;
      }
      if (b.suppressed === 0 && b.tokens >= b.burst) this.#sources.delete(key);
    }
    if (this.#sources.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Writes every pending count (shutdown). */
  close(): void {
    this.flush(true);
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #source(r: Refusal, now: number): Source {
    const key = `${r.remoteAddress}\n${r.reason}`;
    let s = this.#sources.get(key);
    if (s) return s;
    if (this.#sources.size >= this.#limits.maxSources) {
      const shared = `*\n${r.reason}`;
      s = this.#sources.get(shared);
      if (s) return s;
      s = { bucket: new Bucket(this.#limits.burst, this.#limits.perSecond, now), sample: { ...r, remoteAddress: "(many sources)", keyId: null, claimedKeyId: null } };
      this.#sources.set(shared, s);
      return s;
    }
    s = { bucket: new Bucket(this.#limits.burst, this.#limits.perSecond, now), sample: r };
    this.#sources.set(key, s);
    return s;
  }

  #arm(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.flush(), this.#limits.summaryEveryMs);
    this.#timer.unref();
  }

  /** Group commit while serving; at shutdown (`now`) at once, before the database closes. */
  #write(e: AuditEntry, now = false): void {
    const fail = (err: unknown) =>
      this.#log(`alter vault: could not write an audit row for a refused request: ${err instanceof Error ? err.message.split("\n")[0] : "unknown error"}`);
    if (!now) {
      this.#audit.commit(e).catch(fail);
      return;
    }
    try {
      this.#audit.write(e);
    } catch (err) {
      fail(err);
    }
  }
}

function refusalEntry(r: Refusal): AuditEntry {
  return {
    action: REFUSED_ACTION,
    outcome: "denied",
    status: r.status,
    errorCode: r.reason,
    appId: r.appId ?? null,
    keyId: r.keyId ?? null,
    remoteAddress: r.remoteAddress,
    method: r.method ?? null,
    url: r.path ?? null,
    details: r.claimedKeyId ? { claimedKeyId: r.claimedKeyId } : null,
  };
}

function summaryEntry(sample: Refusal, b: Bucket): AuditEntry {
  return {
    action: SUPPRESSED_ACTION,
    outcome: "denied",
    status: sample.status,
    errorCode: sample.reason,
    remoteAddress: sample.remoteAddress,
    details: { suppressed: b.suppressed, from: new Date(b.firstSuppressed).toISOString(), to: new Date(b.lastSuppressed).toISOString() },
  };
}

/** The key id a Signature-Input names, shortened: attacker-chosen text, kept for the record only. */
export function claimedKeyId(signatureInput: string | string[] | undefined): string | null {
  const text = Array.isArray(signatureInput) ? signatureInput.join(", ") : signatureInput;
  const m = text ? /keyid="([^"]{1,200})"/.exec(text) : null;
  return m ? m[1]!.slice(0, 64).replace(/[^\x20-\x7e]/g, "?") : null;
}
