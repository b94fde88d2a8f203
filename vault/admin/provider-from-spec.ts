// `vault providers set <id> --from-spec <file>`: a provider's injection (and, for a provider
// outside the catalog, its base URL and hosts) read from the OpenAPI document's own security
// schemes, with the reader the generator uses (catalog/security-schemes.ts), so a provider the
// catalog does not ship gets its credential in the place its document says.
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { needsCredential, readSecurity } from "../../catalog/security-schemes.js";
import { injectionForRequirement } from "../../catalog/security-injection.js";
import { VaultUsageError } from "../errors.js";
import type { Injection } from "../grant-types.js";
import { saveOAuthOverrides } from "../oauth/provider-config.js";
import { auditAdmin, withVault, type AdminOptions } from "./open.js";
import { indexOfDocument, operationTriples } from "../grants/operations.js";
import type { OperationTriple } from "../storage/provider-operations.js";

export interface SpecAuth {
  injection: Injection;
  /** The scheme names of the requirement chosen. */
  schemes: string[];
  /** The document's first server, when it is an absolute http(s) URL. */
  baseUrl: string | undefined;
  /** Other requirements the document accepts, for the operator to choose with `--schemes`. */
  others: string[][];
  /** Operations that need a credential with the chosen requirement / that need none. */
  operations: { using: number; without: number };
  /** The authorizationCode flow of the chosen requirement's OAuth scheme, when it has one. */
  oauth: { authorizeUrl: string; tokenUrl: string; deviceAuthorizationUrl?: string } | undefined;
  /** Every operation's id (operationId or the generator's fallback), method and path template. */
  operationIndex: OperationTriple[];
}

type Json = Record<string, unknown>;

async function loadDocument(file: string): Promise<Json> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new VaultUsageError(`--from-spec ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"}).`);
  }
  let doc: unknown;
  try {
    doc = /^\s*[{[]/.test(text) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new VaultUsageError(`--from-spec ${file} is not valid JSON or YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (typeof doc !== "object" || doc === null || (typeof (doc as Json).openapi !== "string" && typeof (doc as Json).swagger !== "string")) {
    throw new VaultUsageError(`--from-spec ${file} is not an OpenAPI or Swagger document (no "openapi" or "swagger" field).`);
  }
  return doc as Json;
}

function serverOf(doc: Json): string | undefined {
  const server = (doc.servers as Json[] | undefined)?.[0];
  let url: string | undefined;
  if (server && typeof server.url === "string") {
    const vars = (server.variables ?? {}) as Record<string, { default?: unknown }>;
    url = server.url.replace(/\{([^}]+)\}/g, (m, v: string) => (vars[v]?.default !== undefined ? String(vars[v].default) : m));
  } else if (typeof doc.host === "string") {
    const scheme = Array.isArray(doc.schemes) && doc.schemes.includes("https") ? "https" : String((doc.schemes as string[] | undefined)?.[0] ?? "https");
    url = `${scheme}://${doc.host}${typeof doc.basePath === "string" ? doc.basePath : ""}`;
  }
  return url && /^https?:\/\/[^{}]+$/.test(url) ? url.replace(/\/$/, "") : undefined;
}

const key = (names: string[]) => [...names].sort().join("+");

/**
 * The injection for the requirement most operations accept (or the one `schemes` names: several
 * names for a requirement that needs them together, e.g. `api_key,api_token`).
 */
export async function authFromSpec(file: string, schemes?: string[]): Promise<SpecAuth> {
  const doc = await loadDocument(file);
  const read = readSecurity(doc);
  if (Object.keys(read.schemes).length === 0) throw new VaultUsageError(`--from-spec ${file} defines no security schemes; set the injection with the other flags instead.`);
  // Every requirement, counted by the operations that accept it.
  const counts = new Map<string, { names: string[]; operations: number }>();
  let without = 0;
  for (const op of read.operations) {
    if (!needsCredential(op.requirements)) {
      without++;
      continue;
    }
    for (const req of op.requirements) {
      const names = Object.keys(req);
      if (names.length === 0) continue;
      const entry = counts.get(key(names)) ?? { names: [...names].sort(), operations: 0 };
      entry.operations++;
      counts.set(key(names), entry);
    }
  }
  const ranked = [...counts.values()].sort((a, b) => b.operations - a.operations);
  // Then what the document states without operations using it: its default, each scheme alone.
  for (const names of [...(read.default ?? []).map((r) => Object.keys(r)), ...Object.keys(read.schemes).map((n) => [n])]) {
    if (names.length && !counts.has(key(names))) {
      counts.set(key(names), { names: [...names].sort(), operations: 0 });
      ranked.push(counts.get(key(names))!);
    }
  }
  let chosen: { names: string[]; operations: number } | undefined;
  if (schemes?.length) {
    for (const name of schemes) {
      if (!(name in read.schemes)) throw new VaultUsageError(`--schemes: the document defines no security scheme "${name}" (it has ${Object.keys(read.schemes).join(", ")}).`);
    }
    chosen = counts.get(key(schemes)) ?? { names: [...schemes].sort(), operations: 0 };
  } else {
    chosen = ranked.find((r) => "injection" in injectionForRequirement(Object.fromEntries(r.names.map((n) => [n, []])), read.schemes));
    if (!chosen) throw new VaultUsageError(`--from-spec ${file}: no security requirement of the document can be injected by the vault; set the injection with the other flags.`);
  }
  const choice = injectionForRequirement(Object.fromEntries(chosen.names.map((n) => [n, []])), read.schemes);
  if ("error" in choice) throw new VaultUsageError(`--from-spec ${file}: ${choice.error}.`);
  const oauth2 = chosen.names.map((n) => read.schemes[n]).find((sc) => sc?.type === "oauth2" && sc.flows.authorizationCode);
  const flow = oauth2?.type === "oauth2" ? oauth2.flows.authorizationCode : undefined;
  // OpenAPI 3.2's deviceAuthorization flow of the same scheme: headless connect (rarely declared).
  const device = oauth2?.type === "oauth2" ? oauth2.flows.deviceAuthorization?.deviceAuthorizationUrl : undefined;
  return {
    oauth: flow?.authorizationUrl && flow.tokenUrl ? { authorizeUrl: flow.authorizationUrl, tokenUrl: flow.tokenUrl, ...(device ? { deviceAuthorizationUrl: device } : {}) } : undefined,
    injection: choice.injection as Injection,
    schemes: chosen.names,
    baseUrl: serverOf(doc),
    others: ranked.filter((r) => r.operations > 0 && key(r.names) !== key(chosen.names)).map((r) => r.names),
    operations: { using: chosen.operations, without },
    operationIndex: operationTriples(indexOfDocument(doc)),
  };
}

/** One line an operator reads: where the credential goes. */
export function describeInjection(injection: Injection): string {
  switch (injection.type) {
    case "bearer":
      return "Authorization: Bearer <token>";
    case "basic":
      return "Authorization: Basic <username:password>";
    case "header":
      return `the ${injection.name} header`;
    case "query":
      return `the ${injection.name} query parameter`;
    case "cookie":
      return `the ${injection.name} cookie`;
    case "multi":
      return injection.parts.map((p) => `secret field "${p.field}" in the ${p.name} ${p.in === "query" ? "query parameter" : p.in}`).join(" and ");
    case "aws-sigv4":
      return `AWS SigV4 (${injection.service}, ${injection.region})`;
  }
}

/**
 * Stores the document's OAuth endpoints for a provider outside the catalog (the catalog's own
 * endpoints are curated and win for catalog providers): connect then works as for any provider.
 */
export async function setSpecOAuth(opts: AdminOptions & { provider: string; authorizeUrl: string; tokenUrl: string; deviceAuthorizationUrl?: string }): Promise<void> {
  await withVault(opts, async (s) => {
    const device = opts.deviceAuthorizationUrl ? { deviceAuthorizationUrl: opts.deviceAuthorizationUrl } : {};
    await s.store.sql.transaction(async (tx) => {
      await saveOAuthOverrides(s.store, s.app.id, opts.provider, { authorizeUrl: opts.authorizeUrl, tokenUrl: opts.tokenUrl, ...device }, s.now(), tx);
      // The audit row joins this transaction: the change and its row commit together, or neither.
      auditAdmin(s, "providers set --from-spec", { provider: opts.provider, details: { fields: ["authorizeUrl", "tokenUrl", ...Object.keys(device)] } });
    });
  });
}

/**
 * Stores the document's operations for a provider outside the catalog, so that a grant whose
 * policy approves by operation can check what a call names (the catalog's pinned document is
 * used for catalog providers).
 */
export async function setSpecOperations(opts: AdminOptions & { provider: string; operations: OperationTriple[] }): Promise<void> {
  await withVault(opts, (s) =>
    s.store.sql.transaction(async (tx) => {
      await s.store.providerOperations.save(s.app.id, opts.provider, opts.operations, s.now(), tx);
      // The audit row joins this transaction: the change and its row commit together, or neither.
      auditAdmin(s, "providers set --from-spec", { provider: opts.provider, details: { operations: opts.operations.length } });
    }),
  );
}
