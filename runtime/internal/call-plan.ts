// What every call of one method shares: the base URL (checked and parsed), where a credential
// for it may go, and the headers that do not depend on the call. Worked out on a method's first
// call and kept, because the provider leg's budget is a few microseconds: parsing the base URL,
// validating static headers and merging them again on every call cost more than the rest.
import type { ClientDefaults, OperationSpec, ProviderSpec } from "../operation.js";
import { AlterValueError } from "../errors.js";
import { headerValueProblem } from "../../protocol/request-safety.js";

/** RFC 9110 token: what a header name may be made of. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export interface CallPlan {
  provider: ProviderSpec;
  baseUrl: string;
  /** `host[:port]` of the base URL: where a credential for a URL built on it would go. */
  host: string;
  /** https, or http to this machine. */
  secure: boolean;
  /** accept + the provider's default headers (lowest precedence). */
  providerHeaders: Readonly<Record<string, string>>;
  /** The client's default headers (they override parameter headers). */
  clientHeaders: Readonly<Record<string, string>> | undefined;
  /** providerHeaders + clientHeaders: the whole header set of a call that adds none. */
  staticHeaders: Readonly<Record<string, string>>;
}

const ACCEPT: Record<string, string> = { json: "application/json", text: "text/plain, */*;q=0.5", binary: "*/*", empty: "*/*" };

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** https anywhere; plain http only to this machine. */
export function isAllowedScheme(url: Pick<URL, "protocol" | "hostname">): boolean {
  return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.test(url.hostname));
}

// Keyed by the client's frozen defaults (or a shared stand-in without them), then by operation.
const NO_DEFAULTS = {};
const plans = new WeakMap<object, WeakMap<OperationSpec, CallPlan>>();

export function planCall(provider: ProviderSpec, op: OperationSpec, defaults: ClientDefaults | undefined): CallPlan {
  const key = defaults ?? NO_DEFAULTS;
  let byOp = plans.get(key);
  const hit = byOp?.get(op);
  if (hit && hit.provider === provider) return hit;
  // Nothing is cached when this throws, so the caller sees the same error on every call.
  const plan = makePlan(provider, op, defaults);
  if (!byOp) plans.set(key, (byOp = new WeakMap()));
  byOp.set(op, plan);
  return plan;
}

/**
 * Where an operation with its own server goes: the `servers` entry for that server's URL or host,
 * else the server itself. A `servers` key that names none of the provider's servers is refused,
 * since a typo would otherwise send the call to the document's host without a word.
 */
function operationServer(provider: ProviderSpec, server: string, moves: Readonly<Record<string, string>> | undefined): string {
  if (!moves) return server;
  const known = provider.servers ?? [];
  for (const key of Object.keys(moves)) {
    if (!known.some((s) => s === key.replace(/\/$/, "") || hostOf(s) === key)) {
      const list = known.length ? known.join(", ") : "none";
      throw new AlterValueError(`servers: ${JSON.stringify(key)} is not one of the ${provider.id} document's operation servers (${list}); the provider's own base URL is moved with baseUrl`);
    }
  }
  return moves[server] ?? moves[`${server}/`] ?? moves[hostOf(server) ?? ""] ?? server;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

function makePlan(provider: ProviderSpec, op: OperationSpec, defaults: ClientDefaults | undefined): CallPlan {
  const baseUrl = op.baseUrl ? operationServer(provider, op.baseUrl, defaults?.servers) : (defaults?.baseUrl ?? provider.baseUrl);
  const variable = /\{([^}]+)\}/.exec(baseUrl);
  if (variable) {
    throw new AlterValueError(`${op.id}: the base URL ${baseUrl} has a {${variable[1]}} to fill in: pass baseUrl with the real value when creating the ${provider.id} client`);
  }
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new AlterValueError(`${op.id}: the base URL ${JSON.stringify(baseUrl)} is not an absolute URL`, "invalid_base_url");
  }
  const providerHeaders = addHeaders({ accept: ACCEPT[op.response ?? "json"]! }, provider.defaultHeaders, op.id);
  // The representation the response is typed from wins over a provider-wide default Accept.
  if (op.accept) providerHeaders.accept = op.accept;
  const clientHeaders = defaults?.headers ? addHeaders({}, defaults.headers, op.id) : undefined;
  return {
    provider,
    baseUrl,
    host: parsed.host,
    secure: isAllowedScheme(parsed),
    providerHeaders: Object.freeze(providerHeaders),
    clientHeaders: clientHeaders && Object.freeze(clientHeaders),
    staticHeaders: Object.freeze({ ...providerHeaders, ...clientHeaders }),
  };
}

/** Copies `extra` into `into` with lower-case names; a name or value HTTP cannot carry is an error. */
export function addHeaders(into: Record<string, string>, extra: Readonly<Record<string, unknown>> | undefined, opId: string): Record<string, string> {
  if (!extra) return into;
  for (const k in extra) {
    if (!Object.hasOwn(extra, k)) continue;
    const v = extra[k];
    if (!HEADER_NAME.test(k)) throw new AlterValueError(`${opId}: ${JSON.stringify(k)} is not a header name (letters, digits and !#$%&'*+.^_\`|~- only)`, "invalid_header_value");
    if (typeof v !== "string") throw new AlterValueError(`${opId}: header "${k}" must be a string`, "invalid_header_value");
    const problem = headerValueProblem(v);
    if (problem) throw new AlterValueError(`${opId}: header "${k}" ${problem}`, "invalid_header_value");
    into[k.toLowerCase()] = v;
  }
  return into;
}
