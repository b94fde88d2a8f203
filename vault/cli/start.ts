import type { Command } from "commander";
import { startVault } from "../admin/start.js";
import { action, out, usage, withData, type DataFlags } from "./common.js";

interface StartFlags extends DataFlags {
  port: string;
  host: string;
  tlsCert?: string;
  tlsKey?: string;
  publicUrl?: string;
  maxConnectionsPerSource?: string;
}

export function registerStart(vault: Command): void {
  withData(vault.command("start").description("serve the vault's HTTP API until SIGINT/SIGTERM"))
    .option("-p, --port <port>", "port to listen on (0 = any free port)", "7420")
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--tls-cert <file>", "PEM certificate: serve HTTPS (with --tls-key)")
    .option("--tls-key <file>", "PEM private key for --tls-cert")
    .option("--public-url <url>", "the URL clients use when the vault sits behind a proxy")
    .option("--max-connections-per-source <n>", "open connections one client address may hold (default 256; every local process shares 127.0.0.1)")
    .action(
      action(async (flags: StartFlags) => {
        if (!/^\d+$/.test(flags.port)) usage(`--port "${flags.port}" is not a port number (0-65535).`);
        if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) usage("HTTPS needs both --tls-cert and --tls-key.");
        const cap = flags.maxConnectionsPerSource;
        if (cap !== undefined && !/^[1-9]\d{0,5}$/.test(cap)) usage(`--max-connections-per-source "${cap}" is not a positive whole number.`);
        const running = await startVault({
          dataDir: flags.data,
          port: Number(flags.port),
          host: flags.host,
          ...(flags.tlsCert ? { tls: { certFile: flags.tlsCert, keyFile: flags.tlsKey! } } : {}),
          ...(flags.publicUrl ? { publicUrl: flags.publicUrl } : {}),
          ...(cap !== undefined ? { limits: { maxConnectionsPerSource: Number(cap) } } : {}),
        });
        out(`alter vault listening on ${running.url}`);
        await new Promise<void>((resolve) => {
          const stop = (signal: string) => {
            out(`alter vault: ${signal}, shutting down`);
            running.close().then(resolve, resolve);
          };
          process.once("SIGINT", () => stop("SIGINT"));
          process.once("SIGTERM", () => stop("SIGTERM"));
        });
      }),
    );
}
