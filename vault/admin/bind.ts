// Where `vault start` may listen. Plain HTTP is for this machine only: on any other address the
// network would see end-user tokens (Alter-User-Token), proxied provider answers, connect and
// approval links. A non-loopback bind needs TLS, or the operator's explicit --insecure-http
// (a TLS-terminating proxy or a private network in front).
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { VaultUsageError } from "../errors.js";
import { ipAllowed } from "../policy/ip-allowlist.js";
import { maskSecrets } from "../quote.js";

const LOOPBACK = ["127.0.0.0/8", "::1/128"];

/** True when every address `host` stands for is a loopback address. */
export async function isLoopbackHost(host: string): Promise<boolean> {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  if (isIP(bare) !== 0) return ipAllowed(LOOPBACK, bare);
  let addresses: { address: string }[];
  try {
    addresses = await lookup(bare, { all: true });
  } catch {
    throw new VaultUsageError(`--host ${maskSecrets(host)} does not resolve to an address of this machine.`);
  }
  return addresses.length > 0 && addresses.every((a) => ipAllowed(LOOPBACK, a.address));
}

/**
 * Refuses plain HTTP on a non-loopback address unless `insecureHttp`; returns whether the vault
 * will serve plain HTTP beyond this machine (the CLI then prints a warning).
 */
export async function checkBind(host: string, opts: { tls: boolean; insecureHttp: boolean }): Promise<{ plainHttpExposed: boolean }> {
  if (opts.tls || (await isLoopbackHost(host))) return { plainHttpExposed: false };
  if (!opts.insecureHttp) {
    throw new VaultUsageError(
      `--host ${maskSecrets(host)} is not a loopback address, and plain HTTP there would let the network read end-user tokens, proxied provider answers and approval links. ` +
        "Serve HTTPS with --tls-cert and --tls-key, or pass --insecure-http if a TLS-terminating proxy or a private network protects the traffic.",
    );
  }
  return { plainHttpExposed: true };
}
