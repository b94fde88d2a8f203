// Which audit chain an instance appends to on PostgreSQL (docs/architecture.md, "Audit log").
// ALTER_VAULT_INSTANCE_ID when set, else the host name: stable across restarts of the same
// instance, so its chain continues and the start-up check covers the instance's whole history;
// distinct across machines. Two processes given the same id are safe: appends to a chain take its
// advisory lock and rewrite its checkpoint in the same transaction, so they share one unbroken,
// attested chain (they only lose the independence of their appends).
import { hostname } from "node:os";
import { VaultUsageError } from "../errors.js";

export const INSTANCE_ID_ENV = "ALTER_VAULT_INSTANCE_ID";
const VALID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

export function auditChainId(env: NodeJS.ProcessEnv = process.env, host: string = hostname()): string {
  const given = env[INSTANCE_ID_ENV];
  if (given !== undefined && given !== "") {
    if (!VALID.test(given)) {
      throw new VaultUsageError(
        `${INSTANCE_ID_ENV} must be 1-100 characters of letters, digits, ".", "_", ":" and "-", starting with a letter or digit (it names this instance's audit chain); got ${JSON.stringify(given.slice(0, 40))}${given.length > 40 ? "…" : ""}.`,
      );
    }
    return given;
  }
  const fromHost = host.replace(/[^A-Za-z0-9._:-]/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 100);
  return fromHost || "instance";
}
