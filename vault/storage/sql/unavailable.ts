// Whether a storage error means the database is out of reach for now (a server gone, a connection
// cut, too many connections, a SQLite file locked by another process past the busy timeout), as
// opposed to a statement's or the vault's own fault. The server answers the first kind as
// `storage_unavailable` (503, retryable: behind a balancer another instance may still reach the
// database), and admin commands say the database stopped answering; the second stays an internal error.

/** PostgreSQL SQLSTATEs (08xxx connection, 57P01-03 shutdown, 53300 too many connections) and socket codes. */
const GONE_CODES = /^(08...|57P0[1-3]|53300|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|SQLITE_BUSY(_\w+)?|SQLITE_LOCKED(_\w+)?)$/;
/** What node-postgres says, without a code, when its pool or socket gave up or a statement passed its time. */
const GONE_MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|Client has encountered a connection error|^Query read timeout$/i;

export function isStorageUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && GONE_CODES.test(code)) return true;
    if (e instanceof Error && GONE_MESSAGES.test(e.message)) return true;
  }
  return false;
}
