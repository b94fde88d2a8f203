// The audit writer as one request's handler sees it: the same rows, plus a note of whether the
// handler wrote any, so the server knows which refusals are not audited yet (refusals.ts).
import type { AlsoInTransaction, AuditEntry, FinishRow } from "./writer.js";
import type { AuditLog } from "./log.js";

/** What route handlers use of the audit writer. */
export interface AuditSink {
  write(e: AuditEntry, finish?: FinishRow): string;
  commit(e: AuditEntry, also?: AlsoInTransaction): Promise<string>;
}

export class RequestAudit implements AuditSink {
  #wrote = false;
  readonly #written: Promise<void>[] = [];
  constructor(private readonly writer: AuditLog) {}

  /** Whether the handler wrote (or queued) a row for this request. */
  get wrote(): boolean {
    return this.#wrote;
  }

  write(e: AuditEntry, finish?: FinishRow): string {
    this.#wrote = true;
    const id = this.writer.write(e, finish);
    this.#written.push(this.writer.settled(id));
    return id;
  }

  commit(e: AuditEntry, also?: AlsoInTransaction): Promise<string> {
    this.#wrote = true;
    return this.writer.commit(e, also);
  }

  /**
   * Waits for the handler's rows that had to wait for another caller's store transaction, and
   * attests rows it wrote inside its own transactions, before the answer leaves. Rejects when a
   * row could not be written: the answer is then an error, never an unaudited success.
   */
  async settle(): Promise<void> {
    if (!this.#wrote) return;
    await Promise.all(this.#written);
    this.writer.attestPending();
  }
}
