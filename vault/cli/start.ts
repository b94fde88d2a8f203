import type { Command } from "commander";
import { startVault } from "../admin/start.js";
import { action, out, usage, vaultAt, withData, type DataFlags } from "./common.js";
import { flagValue, maskSecrets } from "../quote.js";
import { choosePoolSize } from "../storage/database-url.js";
import { DEFAULT_POOL } from "../state.js";

interface StartFlags extends DataFlags {
  port: string;
  host: string;
  tlsCert?: string;
  tlsKey?: string;
  publicUrl?: string;
  trustedProxy?: string[];
  insecureHttp?: boolean;
  acceptAuditDamage?: boolean;
  maxConnectionsPerSource?: string;
  databasePool?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(",").map((s) => s.trim()).filter(Boolean)];

export const SHUTDOWN_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export function registerStart(vault: Command): void {
  withData(vault.command("start").description("serve the vault's HTTP API until SIGINT, SIGTERM or SIGHUP"))
    .option("-p, --port <port>", "port to listen on (0 = any free port)", "7420")
    .option("--host <address>", "address to listen on; anything but loopback needs --tls-cert/--tls-key or --insecure-http", "127.0.0.1")
    .option("--tls-cert <file>", "PEM certificate: serve HTTPS, TLS 1.2+ with forward-secret AEAD suites only (with --tls-key)")
    .option("--tls-key <file>", "PEM private key for --tls-cert")
    .option("--insecure-http", "allow plain HTTP on a non-loopback --host (a TLS-terminating proxy or a private network must protect it)")
    .option("--public-url <url>", "the URL clients use when the vault sits behind a proxy")
    .option(
      "--trusted-proxy <cidr>",
      "a reverse proxy whose X-Forwarded-For/Forwarded headers name the client, for IP allowlists and audit (repeatable or comma list); headers from anyone else are ignored",
      collect,
    )
    .option("--accept-audit-damage", "serve even though `vault audit verify` finds the audit log damaged; recorded as an audit row")
    .option(
      "--max-connections-per-source <n>",
      "open connections one TCP peer address may hold (default 256; every local process shares 127.0.0.1, and a --trusted-proxy counts as one peer)",
    )
    .option("--database-pool <n>", "PostgreSQL connections this instance keeps (default $ALTER_VAULT_DATABASE_POOL, else 10)")
    .addHelpText(
      "after",
      "\nSQLite (the default): the database is vault.db in --data, and one server serves a folder at a time.\nPostgreSQL (--database-url or ALTER_VAULT_DATABASE_URL): any number of instances serve one database\n(after `alter-gen vault migrate` as its owner and `vault init --database-url` once); each instance's\n--data folder then holds only a copy of master.key (and, while `vault rotate-master-key` runs, of keyring.json),\nor set ALTER_VAULT_MASTER_KEY. Give each instance its own ALTER_VAULT_INSTANCE_ID (its audit chain).",
    )
    .action(
      action(async (flags: StartFlags) => {
        if (!/^\d+$/.test(flags.port)) usage(`${flagValue("--port", flags.port)} is not a port number (0-65535).`);
        if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) usage("HTTPS needs both --tls-cert and --tls-key.");
        const cap = flags.maxConnectionsPerSource;
        if (cap !== undefined && !/^[1-9]\d{0,5}$/.test(cap)) usage(`${flagValue("--max-connections-per-source", cap)} is not a positive whole number.`);
        const running = await startVault({
          ...vaultAt(flags),
          port: Number(flags.port),
          host: flags.host,
          ...(flags.tlsCert ? { tls: { certFile: flags.tlsCert, keyFile: flags.tlsKey! } } : {}),
          ...(flags.publicUrl ? { publicUrl: flags.publicUrl } : {}),
          ...(flags.trustedProxy?.length ? { trustedProxies: flags.trustedProxy } : {}),
          ...(flags.insecureHttp ? { insecureHttp: true } : {}),
          ...(flags.acceptAuditDamage ? { acceptAuditDamage: true } : {}),
          ...(cap !== undefined ? { limits: { maxConnectionsPerSource: Number(cap) } } : {}),
          // ALTER_VAULT_DATABASE_POOL is read where the pool opens, and only on PostgreSQL.
          ...(flags.databasePool !== undefined ? { databasePool: choosePoolSize(flags.databasePool, {}, DEFAULT_POOL) } : {}),
        });
        if (running.plainHttpExposed) {
          process.stderr.write(
            `alter vault: WARNING: serving plain HTTP on ${maskSecrets(flags.host)} (--insecure-http): end-user tokens, proxied provider answers and approval links cross the network in clear unless a TLS proxy or a private network protects them.\n`,
          );
        }
        // Handlers first: a supervisor may signal as soon as it reads the "listening" line.
        const stopped = new Promise<void>((resolve) => {
          const stop = (signal: string) => {
            out(`alter vault: ${signal}, shutting down`);
            running.close().then(resolve, resolve);
          };
          // Every signal that asks a process to end (a terminal closing sends SIGHUP) closes the
          // server and releases the data folder's lock. Under npx, npm may not pass a process
          // manager's signal on: run node_modules/.bin/alter-gen directly there (README).
          for (const signal of SHUTDOWN_SIGNALS) process.once(signal, () => stop(signal));
        });
        // Behind --public-url the socket's own address is said too: with --port 0 a supervisor learns the port here.
        const bound = `${running.host.includes(":") ? `[${running.host}]` : running.host}:${running.port}`;
        out(`alter vault listening on ${running.url}${flags.publicUrl ? ` (socket ${bound})` : ""}`);
        // Damage found by the audit check that goes on while serving has closed the vault and been
        // logged (startVault's log); the process ends as a refused start does.
        const damaged = running.auditChecked.then(
          () => new Promise<never>(() => {}),
          () => true,
        );
        if (await Promise.race([stopped.then(() => false), damaged])) process.exit(2);
      }),
    );
}
