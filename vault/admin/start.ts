// startVault(): opens the data folder and serves the HTTP API until close().
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { createVaultServer } from "../http/server.js";
import { allRoutes } from "../http/routes/index.js";
import { assertVaultFolder, openVaultState } from "../state.js";
import { VaultUsageError } from "../errors.js";
import { DEFAULT_DATA_DIR } from "./open.js";
import { acquireServerLock } from "./server-lock.js";
import type { ConnectionLimits } from "../http/limits.js";

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
  specsDir?: string;
  bodyLimit?: number;
  /** Connection timeouts and the per-source connection cap (vault/http/limits.ts). */
  limits?: ConnectionLimits;
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export interface RunningVault {
  url: string;
  port: number;
  host: string;
  appId: string;
  close(): Promise<void>;
}

export async function startVault(opts: StartOptions = {}): Promise<RunningVault> {
  const host = opts.host ?? "127.0.0.1";
  const port = opts.port ?? 7420;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new VaultUsageError(`--port ${port} is not a port number (0-65535).`);
  const tls = opts.tls ? loadTls(opts.tls) : undefined;
  const openOpts: Parameters<typeof openVaultState>[1] = {};
  if (opts.now) openOpts.now = opts.now;
  if (opts.specsDir) openOpts.specsDir = opts.specsDir;
  if (opts.env) openOpts.env = opts.env;
  // The lock comes first, so a start that loses the race touches nothing.
  const dataDir = assertVaultFolder(opts.dataDir ?? DEFAULT_DATA_DIR);
  const lock = await acquireServerLock(dataDir, "starting another one on the same data folder");
  let state: Awaited<ReturnType<typeof openVaultState>>;
  try {
    state = await openVaultState(dataDir, openOpts);
  } catch (e) {
    lock.release();
    throw e;
  }
  if (!opts.now) {
    // Requests signed before the start are refused as possible replays (created is in whole
    // seconds): begin at the next full second so no request signed before it can pass.
    const wait = 1000 - (Date.now() % 1000);
    await new Promise((r) => setTimeout(r, wait));
  }
  // Aligned to the whole second so that `created` (whole seconds) compares exactly.
  state.startedAt = opts.now ? state.now() : Math.floor(state.now() / 1000) * 1000;
  const serverOpts: Parameters<typeof createVaultServer>[1] = { routes: allRoutes() };
  if (tls) serverOpts.tls = tls;
  if (opts.publicUrl) serverOpts.publicUrl = opts.publicUrl;
  if (opts.bodyLimit) serverOpts.bodyLimit = opts.bodyLimit;
  if (opts.limits) serverOpts.limits = opts.limits;
  if (opts.log) serverOpts.log = opts.log;
  let server: ReturnType<typeof createVaultServer>;
  try {
    server = createVaultServer(state, serverOpts);
  } catch (e) {
    state.db.close();
    lock.release();
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
    state.db.close();
    lock.release();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new VaultUsageError(`Port ${port} on ${host} is already in use; pick another with --port.`);
    if (code === "EADDRNOTAVAIL") throw new VaultUsageError(`--host ${host} is not an address of this machine.`);
    throw e;
  }
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  const url = opts.publicUrl?.replace(/\/$/, "") ?? `${tls ? "https" : "http"}://${shownHost}:${addr.port}`;
  state.baseUrl = url;
  lock.setUrl(url);
  let closed: Promise<void> | undefined;
  return {
    url,
    port: addr.port,
    host: addr.address,
    appId: state.app.id,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => {
          state.db.close();
          lock.release();
          resolve();
        });
        server.closeIdleConnections();
        // Requests in flight get a moment to finish; then connections are cut.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
      return closed;
    },
  };
}

function loadTls(t: NonNullable<StartOptions["tls"]>): { cert: string | Buffer; key: string | Buffer } {
  const read = (v: string | Buffer | undefined, file: string | undefined, flag: string): string | Buffer => {
    if (v !== undefined) return v;
    if (file === undefined) throw new VaultUsageError(`HTTPS needs both --tls-cert and --tls-key; ${flag} is missing.`);
    try {
      return readFileSync(file);
    } catch (e) {
      throw new VaultUsageError(`Cannot read ${flag} ${file}: ${(e as NodeJS.ErrnoException).code ?? "read error"}.`);
    }
  };
  return { cert: read(t.cert, t.certFile, "--tls-cert"), key: read(t.key, t.keyFile, "--tls-key") };
}
