// The operations a provider's document declares, so the vault can check the operation a call names
// against the request itself: a caller's label is never trusted (an approval policy that gates
// writes must not let a POST pass as `issues/list-for-repo`). The index is read once per provider
// and process from the catalog's pinned document (only ids, methods and path templates are kept),
// or, for a provider outside the catalog, from the operations stored when its document was given
// to `vault providers set --from-spec` (store/provider-operations.ts). An operation without an
// operationId is known by the generator's fallback name for it (catalog/operation-id.ts). With
// neither, a call under an operation-gated policy is refused (`operation_mismatch`, `no_document`).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { defaultSpecsDir, type CatalogProvider } from "../../catalog/index.js";
import { fallbackOperationName } from "../../catalog/operation-id.js";
import { VaultError } from "../errors.js";
import { quoted } from "../quote.js";
import type { VerifiedOperation } from "../policy/approval-gate.js";
import type { VaultState } from "../context.js";
import type { OperationTriple } from "../storage/provider-operations.js";
import { readDocumentOperations } from "./document-operations.js";

interface Declared {
  method: string;
  path: string;
  pattern: RegExp;
}

export type OperationIndex = Map<string, Declared>;
type Index = OperationIndex;

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const indexes = new Map<string, Promise<Index | null>>();

/** `/repos/{owner}/{repo}` → a regex where each `{…}` is one non-empty path segment (or part of one). */
function templatePattern(path: string): RegExp {
  const parts = path.split(/\{[^}/]+\}/).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join("[^/]+")}$`);
}

export function indexOfDocument(doc: unknown): Index {
  const index: Index = new Map();
  const paths = ((doc ?? {}) as { paths?: Record<string, Record<string, unknown>> }).paths ?? {};
  for (const [path, item] of Object.entries(paths)) {
    for (const m of METHODS) {
      const op = item?.[m] as { operationId?: unknown } | undefined;
      if (op) declare(index, op.operationId, m, path);
    }
  }
  return index;
}

/** Adds one operation under the id the generated client sends: the operationId, or the generator's fallback name. */
function declare(index: Index, operationId: unknown, method: string, path: string): void {
  const id = typeof operationId === "string" && operationId !== "" ? operationId : fallbackOperationName(method.toUpperCase(), path);
  index.set(id, { method: method.toUpperCase(), path, pattern: templatePattern(path) });
}

/**
 * The catalog document's index, built once per provider and process. The promise is kept, so
 * concurrent first calls share one read; a document that cannot be read gives null, as before.
 */
function catalogIndex(provider: CatalogProvider): Promise<Index | null> {
  const key = `${provider.id}:${provider.sha256}`;
  let index = indexes.get(key);
  if (!index) {
    index = loadCatalogIndex(join(defaultSpecsDir(), provider.specFile)).catch(() => null);
    indexes.set(key, index);
  }
  return index;
}

async function loadCatalogIndex(file: string): Promise<Index> {
  // JSON documents (every pinned one today) are parsed off the vault's thread: document-operations.ts.
  if (!file.endsWith(".json")) return indexOfDocument(parse(readFileSync(file, "utf8")));
  const index: Index = new Map();
  for (const [operationId, m, path] of await readDocumentOperations(file, METHODS)) declare(index, operationId, m, path);
  return index;
}

/** The index as [id, method, path] triples, for storing. */
export function operationTriples(index: Index): OperationTriple[] {
  return [...index].map(([id, d]): OperationTriple => [id, d.method, d.path]);
}

const stored = new Map<string, Index>();

/** The operations the vault knows for `provider` in `appId`: the catalog's pinned document, else what `--from-spec` stored. */
export async function operationIndexFor(state: Pick<VaultState, "store" | "catalogProvider">, appId: string, provider: string): Promise<Index | null> {
  const cat = state.catalogProvider(provider);
  if (cat) return catalogIndex(cat);
  const row = await state.store.providerOperations.get(appId, provider);
  if (!row) return null;
  const key = `${appId}:${provider}:${row.updatedAt}`;
  let index = stored.get(key);
  if (!index) {
    index = new Map(row.operations.map(([id, method, path]) => [id, { method, path, pattern: templatePattern(path) }]));
    if (stored.size > 100) stored.clear();
    stored.set(key, index);
  }
  return index;
}

export interface NamedCall {
  operationId: string | undefined;
  method: string;
  url: string;
}

const mismatch = (reason: string, operationId: string | undefined, message: string) =>
  new VaultError("operation_mismatch", message, { details: { policy: "requireApprovalFor", reason, ...(operationId ? { operationId } : {}) } });

/** The request path relative to the provider's base URL (when under it), and as sent. */
function candidatePaths(url: string, baseUrl: string | null): string[] {
  const path = new URL(url).pathname;
  const base = baseUrl ? new URL(baseUrl).pathname.replace(/\/$/, "") : "";
  return base && path.startsWith(`${base}/`) ? [path.slice(base.length), path] : [path];
}

/**
 * The operation `call` names, checked against the provider's document: it must exist, use the
 * request's method, and have a path template that matches the request's path. Throws
 * `operation_mismatch` with the reason otherwise.
 */
export function verifyOperation(index: Index | null, provider: string, baseUrl: string | null, call: NamedCall): VerifiedOperation {
  const id = call.operationId;
  if (!id) throw mismatch("missing", id, "This grant's policy asks approval for some operations, so every call must name its operation (request.operationId); generated clients do.");
  if (!index) {
    throw mismatch(
      "no_document",
      id,
      `The vault has no OpenAPI document of ${provider} to check operation ${quoted(id)} against (give it one: alter-gen vault providers set ${provider} --from-spec <document>), so a grant whose policy approves by operation cannot be used.`,
    );
  }
  const op = index.get(id);
  if (!op) throw mismatch("unknown", id, `Operation ${quoted(id)} is not in the provider's document.`);
  const method = call.method.toUpperCase();
  if (op.method !== method) throw mismatch("method", id, `Operation ${quoted(id)} is ${op.method} ${op.path}, but the request is ${method}.`);
  if (!candidatePaths(call.url, baseUrl).some((p) => op.pattern.test(p))) {
    throw mismatch("path", id, `Operation ${quoted(id)} is ${op.method} ${op.path}, but the request's path does not match it.`);
  }
  return { id, method, path: op.path };
}
