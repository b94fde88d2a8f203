// The audit writer as one request's handler sees it: the same rows, plus a note of whether the
// handler wrote any, so the server knows which refusals are not audited yet (refusals.ts).
import type { AuditEntry, AuditWriter, FinishRow } from "./writer.js";

/** What route handlers use of the audit writer. */
export interface AuditSink {
  write(e: AuditEntry, finish?: FinishRow): string;
  commit(e: AuditEntry, also?: () => void): Promise<string>;
}

export class RequestAudit implements AuditSink {
  #wrote = false;
  constructor(private readonly writer: AuditWriter) {}

  /** Whether the handler wrote (or queued) a row for this request. */
  get wrote(): boolean {
    return this.#wrote;
  }

  write(e: AuditEntry, finish?: FinishRow): string {
    this.#wrote = true;
    return this.writer.write(e, finish);
  }

  commit(e: AuditEntry, also?: () => void): Promise<string> {
    this.#wrote = true;
    return this.writer.commit(e, also);
  }

  /** Attests rows the handler wrote inside its own transactions, before the answer leaves. */
  settle(): void {
    if (this.#wrote) this.writer.attestPending();
  }
}
