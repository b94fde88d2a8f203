// startVault(): opens the data folder and serves the HTTP API until close().
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { createVaultServer, type ServerOptions } from "../http/server.js";
import { allRoutes } from "../http/routes/index.js";
import { assertVaultFolder, databaseOf, openVaultState, type OpenOptions } from "../state.js";
import type { OpenedVault } from "../context.js";
import { VaultUsageError } from "../errors.js";
import { DEFAULT_DATA_DIR } from "./open.js";
import { acquireServerLock, type ServerLock } from "./server-lock.js";
import type { ConnectionLimits } from "../http/limits.js";
import { checkBind } from "./bind.js";
import { validateTrustedProxies } from "../http/client-address.js";
import { maskSecrets } from "../quote.js";
import { AuditDamagedError, checkAuditAtStart } from "../audit/startup.js";
import { rotationHolder } from "../crypto/rotation-files.js";

export interface StartOptions {
  dataDir?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 7420; 0 picks a free port. */
  port?: number;
  /** PEM certificate and key (contents, or paths with certFile/keyFile). */
  tls?: { cert?: string | Buffer; key?: string | Buffer; certFile?: string; keyFile?: string };
  /** Clock override (tests). */
  now?: () => number;
  /** The URL clients use when the vault sits behind a proxy. */
  publicUrl?: string;
  /**
   * CIDRs of reverse proxies whose X-Forwarded-For / Forwarded headers name the client (for IP
   * allowlists and audit rows). Default none: the TCP peer is the client, headers are ignored.
   */
  trustedProxies?: string[];
  /** Allow plain HTTP on a non-loopback --host (refused otherwise). Default false. */
  insecureHttp?: boolean;
  specsDir?: string;
  bodyLimit?: number;
  /** Connection timeouts and the per-source connection cap (vault/http/limits.ts). */
  limits?: ConnectionLimits;
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /**
   * Serve even though the audit log is damaged (rows missing or changed, checkpoint missing or
   * not matching). Writes an override row acknowledging what was found. @default false
   */
  acceptAuditDamage?: boolean;
  /** Rate limits of the audit rows of refused requests (tests). */
  refusalLimits?: ServerOptions["refusalLimits"];
  /**
   * A postgres:// URL: serve from that database (several instances may) instead of SQLite in
   * the data folder, which then holds only the master key. @default env ALTER_VAULT_DATABASE_URL
   */
  databaseUrl?: string;
  /** Connections in the PostgreSQL pool. @default 10 */
  databasePool?: number;
  /** PostgreSQL: how long to wait for a new connection or one statement's answer, in ms. @default 10000 */
  databaseTimeoutMs?: number;
}

export interface RunningVault {
  url: string;
  port: number;
  host: string;
  appId: string;
  /** True when serving plain HTTP on a non-loopback address (allowed by insecureHttp). */
  plainHttpExposed: boolean;
  /**
   * Settles once the whole audit chain has been checked. Start-up checks before serving only the
   * rows written since the log was last verified (vault/audit/verified-mark.ts) and the rest while
   * serving; if that finds damage the vault closes itself and this rejects with the error a start
   * would have given. Resolves at once when start-up checked every row.
   */
  auditChecked: Promise<void>;
  close(): Promise<void>;
}

export async function startVault(opts: StartOptions = {}): Promise<RunningVault> {
  const host = opts.host ?? "127.0.0.1";
  const port = opts.port ?? 7420;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new VaultUsageError(`--port ${port} is not a port number (0-65535).`);
  const tls = opts.tls ? loadTls(opts.tls) : undefined;
  const { plainHttpExposed } = await checkBind(host, { tls: tls !== undefined, insecureHttp: opts.insecureHttp === true });
  let trustedProxies: string[] = [];
  try {
    trustedProxies = validateTrustedProxies(opts.trustedProxies ?? []);
  } catch (e) {
    throw new VaultUsageError(maskSecrets((e as Error).message) + ".");
  }
  const openOpts: OpenOptions = {};
  if (opts.now) openOpts.now = opts.now;
  if (opts.specsDir) openOpts.specsDir = opts.specsDir;
  if (opts.env) openOpts.env = opts.env;
  if (opts.databaseUrl !== undefined) openOpts.databaseUrl = opts.databaseUrl;
  if (opts.databasePool !== undefined) openOpts.databasePool = opts.databasePool;
  if (opts.databaseTimeoutMs !== undefined) openOpts.databaseTimeoutMs = opts.databaseTimeoutMs;
  const log = opts.log ?? ((line: string) => process.stderr.write(line + "\n"));
  const database = databaseOf(openOpts);
  const shared = database !== undefined;
  const { state, lock, auditRest } = await openServed(opts.dataDir ?? DEFAULT_DATA_DIR, openOpts, shared, { acceptDamage: opts.acceptAuditDamage === true, log });
  if (!shared) {
    // Requests signed before the start are refused as possible replays (created is in whole
    // seconds): begin at the next full second so no request signed before it can pass. On
    // PostgreSQL the nonces outlive the process (http/replay.ts), so there is no such rule.
    if (!opts.now) await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000)));
    // Aligned to the whole second so that `created` (whole seconds) compares exactly.
    state.startedAt = opts.now ? state.now() : Math.floor(state.now() / 1000) * 1000;
  }
  const serverOpts: Parameters<typeof createVaultServer>[1] = { routes: allRoutes() };
  if (tls) serverOpts.tls = tls;
  if (opts.publicUrl) serverOpts.publicUrl = opts.publicUrl;
  if (trustedProxies.length) serverOpts.trustedProxies = trustedProxies;
  if (opts.bodyLimit) serverOpts.bodyLimit = opts.bodyLimit;
  if (opts.limits) serverOpts.limits = opts.limits;
  if (opts.log) serverOpts.log = opts.log;
  if (opts.refusalLimits) serverOpts.refusalLimits = opts.refusalLimits;
  const release = async () => {
    await state.close();
    lock.release();
  };
  let server: ReturnType<typeof createVaultServer>;
  try {
    server = createVaultServer(state, serverOpts);
  } catch (e) {
    await release();
    throw e;
  }
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (e) {
    await release();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new VaultUsageError(`Port ${port} on ${maskSecrets(host)} is already in use; pick another with --port.`);
    if (code === "EADDRNOTAVAIL") throw new VaultUsageError(`--host ${maskSecrets(host)} is not an address of this machine.`);
    throw e;
  }
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  const url = opts.publicUrl?.replace(/\/$/, "") ?? `${tls ? "https" : "http"}://${shownHost}:${addr.port}`;
  state.baseUrl = url;
  lock.setUrl(url);
  // Admin commands on other machines build redirect URIs and approver links from it (no lock file names a PostgreSQL instance).
  if (database && opts.publicUrl) await state.store.deployment.setPublicUrl(url);
  if (database) log(`alter vault: serving the PostgreSQL database ${database.where} (${database.from}) as audit chain "${state.audit.chain}"; other instances may serve it too.`);
  let closed: Promise<void> | undefined;
  const running: RunningVault = {
    url,
    port: addr.port,
    host: addr.address,
    appId: state.app.id,
    plainHttpExposed,
    close() {
      closed ??= new Promise<void>((resolve) => {
        // The state's close drains the audit log's queued rows, then closes the database (the
        // SQLite file, or the PostgreSQL pool); the folder's lock goes last.
        server.close(() => void release().finally(resolve));
        server.closeIdleConnections();
        // Requests in flight get a moment to finish; then connections are cut.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
      return closed;
    },
    auditChecked: Promise.resolve(),
  };
  if (auditRest) {
    running.auditChecked = checkWhileServing(auditRest, () => closed !== undefined, log).catch(async (e: unknown) => {
      log(`alter vault: ${e instanceof Error ? e.message : String(e)}`);
      await running.close();
      throw e;
    });
    // Whoever awaits auditChecked sees the failure; a caller that never looks gets no unhandled rejection.
    running.auditChecked.catch(() => {});
  }
  return running;
}

/** Between tries of the whole-log walk that failed for another reason than damage (the database away). */
const WALK_RETRY_MS = 30_000;

/**
 * Runs the whole-log audit walk; rejects only with the damage it finds. A walk cut short by the
 * vault closing ends quietly; one that fails otherwise is tried again, as a start would be.
 */
async function checkWhileServing(walk: () => Promise<void>, isClosed: () => boolean, log: (line: string) => void): Promise<void> {
  for (let told = false; ; told = true) {
    try {
      return await walk();
    } catch (e) {
      if (e instanceof AuditDamagedError) throw e;
      if (isClosed()) return;
      if (!told) log(`alter vault: the check of the whole audit log could not finish (${maskSecrets(e instanceof Error ? e.message : String(e))}); trying again every ${WALK_RETRY_MS / 1000} s.`);
    }
    await new Promise((r) => setTimeout(r, WALK_RETRY_MS).unref());
    if (isClosed()) return;
  }
}

/** No lock: several instances over one PostgreSQL database is the point of one. */
const NO_LOCK: ServerLock = { setUrl() {}, release() {} };

/**
 * The opened state, its audit log checked, and what keeps a second server off the same SQLite
 * file (the folder's lock; nothing on PostgreSQL).
 */
async function openServed(
  dataDir: string,
  openOpts: OpenOptions,
  shared: boolean,
  audit: { acceptDamage: boolean; log: (line: string) => void },
): Promise<{ state: OpenedVault; lock: ServerLock; auditRest?: () => Promise<void> }> {
  let lock = NO_LOCK;
  if (!shared) {
    // The lock comes first, so a start that loses the race touches nothing.
    dataDir = assertVaultFolder(dataDir);
    lock = await acquireServerLock(dataDir, "starting another one on the same data folder");
  }
  let state: OpenedVault | undefined;
  try {
    // A rotation takes the server lock too; master.key.lock alone (a rotation by an earlier
    // version, or one that took it first) still keeps the server from starting on the old key.
    const rotating = shared ? undefined : rotationHolder(dataDir);
    if (rotating) throw new VaultUsageError(`A master key rotation of ${maskSecrets(dataDir)} is in progress (pid ${rotating}); start the vault when it has finished.`);
    state = await openVaultState(dataDir, openOpts);
    const checked = await checkAuditAtStart(state, audit);
    return { state, lock, ...(checked.rest ? { auditRest: checked.rest } : {}) };
  } catch (e) {
    await state?.close();
    lock.release();
    throw e;
  }
}

function loadTls(t: NonNullable<StartOptions["tls"]>): { cert: string | Buffer; key: string | Buffer } {
  const read = (v: string | Buffer | undefined, file: string | undefined, flag: string): string | Buffer => {
    if (v !== undefined) return v;
    if (file === undefined) throw new VaultUsageError(`HTTPS needs both --tls-cert and --tls-key; ${flag} is missing.`);
    try {
      return readFileSync(file);
    } catch (e) {
      throw new VaultUsageError(`Cannot read ${flag} ${maskSecrets(file)}: ${(e as NodeJS.ErrnoException).code ?? "read error"}.`);
    }
  };
  return { cert: read(t.cert, t.certFile, "--tls-cert"), key: read(t.key, t.keyFile, "--tls-key") };
}
