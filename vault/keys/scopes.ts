// What an API key may do. Every signed route names one scope (vault/http/routes/index.ts checks
// it before the handler runs); docs/protocol.md lists the route table.
//
//   call       use grants: retrieve, proxy, approval status, end-user sign-in (authenticate)
//   provision  create access: issue managed-secret grants, connect sessions
//   manage     look after grants: list and revoke
//
// A key also has a kind: `service` (backend infrastructure) or `agent` (an AI agent). The kind
// only chooses the default scopes at creation: an agent key gets `call` and nothing else unless
// the operator says otherwise, so an agent cannot mint itself new access by default.
import { VaultError, VaultUsageError } from "../errors.js";
import { quoted } from "../quote.js";

export const KEY_SCOPES = ["call", "provision", "manage"] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

export const KEY_KINDS = ["service", "agent"] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

export const DEFAULT_SCOPES: Readonly<Record<KeyKind, readonly KeyScope[]>> = {
  service: ["call", "provision", "manage"],
  agent: ["call"],
};

export function isKeyScope(s: unknown): s is KeyScope {
  return typeof s === "string" && (KEY_SCOPES as readonly string[]).includes(s);
}

export function isKeyKind(s: unknown): s is KeyKind {
  return typeof s === "string" && (KEY_KINDS as readonly string[]).includes(s);
}

/** "call,provision" → ["call", "provision"] in canonical order; errors name `where` (a flag). */
export function parseScopes(input: string | readonly string[], where: string): KeyScope[] {
  const items = (typeof input === "string" ? input.split(",") : [...input]).map((s) => s.trim()).filter((s) => s !== "");
  if (items.length === 0) throw new VaultUsageError(`${where} needs at least one scope (${KEY_SCOPES.join(", ")}).`);
  for (const s of items) {
    if (!isKeyScope(s)) throw new VaultUsageError(`${where}: ${quoted(s)} is not a scope (known: ${KEY_SCOPES.join(", ")}).`);
  }
  return KEY_SCOPES.filter((s) => items.includes(s));
}

/** Throws insufficient_scope unless the key holds `scope`; the message says what to do. */
export function requireScope(key: { id: string; scopes: readonly KeyScope[] }, scope: KeyScope, route: string): void {
  if (key.scopes.includes(scope)) return;
  throw new VaultError(
    "insufficient_scope",
    `API key ${key.id} lacks the "${scope}" scope that ${route} needs (it has: ${key.scopes.join(", ") || "none"}); ` +
      `use a key with that scope, or have an operator run \`alter-gen vault keys scopes ${key.id} --scopes ${[...key.scopes, scope].join(",")}\`.`,
    { details: { required: scope, granted: [...key.scopes] } },
  );
}
