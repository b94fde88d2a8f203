// What keeps a client from holding the vault's connections: time limits on every stage of a
// connection (node's headers/request/keep-alive timeouts) and a cap on open connections per
// source address. docs/protocol.md ("Limits") states the defaults.
import type { Server } from "node:http";
import type { Socket } from "node:net";
import { VaultUsageError } from "../errors.js";

/** Connection limits of the vault server. Tests set them small; the defaults suit a deployment. */
export interface ConnectionLimits {
  /** Time to receive a request's complete header block, from the connection or the previous answer. @default 10000 (ms) */
  headersTimeoutMs?: number;
  /** Time to receive a whole request, body included (an 8 MiB body needs about 1.1 Mbit/s). @default 60000 (ms) */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open after an answer (node adds up to 1 s). @default 15000 (ms) */
  keepAliveTimeoutMs?: number;
  /** Open connections one source address may hold; the next one is answered 503 and closed. @default 256 */
  maxConnectionsPerSource?: number;
}

export interface ResolvedLimits extends Required<ConnectionLimits> {
  /** How often node checks the headers/request timeouts (they are enforced at this granularity). */
  checkIntervalMs: number;
}

export const DEFAULT_LIMITS: Required<ConnectionLimits> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 15_000,
  maxConnectionsPerSource: 256,
};

export function resolveLimits(given: ConnectionLimits = {}): ResolvedLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(given) as [keyof ConnectionLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value <= 0) throw new VaultUsageError(`The server limit ${name} must be a positive integer (got ${String(value)}).`);
    limits[name] = value;
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new VaultUsageError(`headersTimeoutMs (${limits.headersTimeoutMs}) cannot be longer than requestTimeoutMs (${limits.requestTimeoutMs}).`);
  }
  // Node checks the two timeouts on an interval (30 s by default): a quarter of the shorter one
  // keeps the enforced limit within 25% of the stated one.
  const checkIntervalMs = Math.max(10, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4)));
  return { ...limits, checkIntervalMs };
}

const REFUSAL_BODY = JSON.stringify({
  error: { code: "too_many_connections", message: "This address has too many open connections to the vault; close some or retry later.", details: {} },
});
const REFUSAL = [
  "HTTP/1.1 503 Service Unavailable",
  "content-type: application/json",
  "cache-control: no-store",
  "retry-after: 1",
  "connection: close",
  `content-length: ${Buffer.byteLength(REFUSAL_BODY)}`,
  "",
  REFUSAL_BODY,
].join("\r\n");

/**
 * Counts open connections per remote address and refuses the one past `max`: plain HTTP gets an
 * unsigned `503 too_many_connections` (what a proxy's overload answer looks like to the SDK: a
 * retryable NetworkError), TLS is closed at once (no handshake is spent on it).
 */
export function capConnectionsPerSource(server: Server, max: number, tls: boolean): (socket: Socket) => boolean {
  const open = new Map<string, number>();
  const refused = new WeakSet<Socket>();
  // Runs before node's own connection listener; a refused socket still gets a parser, whose
  // requests the server must leave alone: the returned predicate tells them apart.
  server.prependListener("connection", (socket: Socket) => {
    const source = socket.remoteAddress ?? "";
    const count = (open.get(source) ?? 0) + 1;
    open.set(source, count);
    socket.once("close", () => {
      const left = (open.get(source) ?? 1) - 1;
      if (left <= 0) open.delete(source);
      else open.set(source, left);
    });
    if (count <= max) return;
    refused.add(socket);
    if (tls) socket.destroy();
    else socket.end(REFUSAL, () => socket.destroy());
  });
  return (socket) => refused.has(socket);
}
