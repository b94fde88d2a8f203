// Reads what an OpenAPI document says about credentials: its security schemes (apiKey in a
// header, query parameter or cookie; http bearer and basic; oauth2 flows with their endpoints and
// scopes; openIdConnect) and which of them each operation requires. Shared by the generator (the
// provider data of a client, least scopes, which parameters are credentials) and the vault
// (`vault providers set --from-spec`), so both read a document the same way.
//
// The reader is lenient: a document with a broken scheme still generates. What it cannot use is
// reported in `problems` (message + JSON pointer); the caller decides whether that is fatal.
import type { OAuthFlowSpec, OAuthFlowsSpec, SecurityRequirementSpec, SecuritySchemeSpec } from "../runtime/operation.js";
import { joinPointer } from "./errors.js";

type Json = Record<string, unknown>;

export interface SecurityProblem {
  message: string;
  /** JSON pointer of what is wrong. */
  pointer: string;
}

export interface OperationSecurity {
  /** The document's operationId, when it has one. */
  operationId: string | undefined;
  /** Upper case. */
  method: string;
  path: string;
  /** JSON pointer of the operation object. */
  pointer: string;
  /** The alternatives the operation accepts (its own `security`, else the document's). */
  requirements: SecurityRequirementSpec[];
  /** True when the operation states its own `security`. */
  own: boolean;
}

export interface DocumentSecurity {
  schemes: Record<string, SecuritySchemeSpec>;
  /** The document's top-level `security`; undefined when it states none. */
  default: SecurityRequirementSpec[] | undefined;
  operations: OperationSecurity[];
  problems: SecurityProblem[];
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
/** Swagger 2.0 flow names -> OpenAPI 3 flow names. */
const SWAGGER_FLOWS: Record<string, keyof OAuthFlowsSpec> = { accessCode: "authorizationCode", application: "clientCredentials", implicit: "implicit", password: "password" };
const OPENAPI_FLOWS: (keyof OAuthFlowsSpec)[] = ["authorizationCode", "clientCredentials", "implicit", "password", "deviceAuthorization"];

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads a parsed OpenAPI 3.x or Swagger 2.0 document. */
export function readSecurity(doc: Json): DocumentSecurity {
  const problems: SecurityProblem[] = [];
  const swagger = typeof doc.swagger === "string";
  const base = swagger ? "/securityDefinitions" : "/components/securitySchemes";
  const raw = swagger ? doc.securityDefinitions : (doc.components as Json | undefined)?.securitySchemes;
  const schemes: Record<string, SecuritySchemeSpec> = {};
  if (isObject(raw)) {
    for (const [name, value] of Object.entries(raw)) {
      const pointer = joinPointer(base, name);
      const scheme = readScheme(resolveLocal(doc, value), pointer, swagger, problems);
      if (scheme) schemes[name] = scheme;
    }
  }
  const known = (req: SecurityRequirementSpec, pointer: string) => requirementKnown(req, schemes, pointer, problems);
  const top = readRequirements(doc.security, "/security", problems)?.filter((r, i) => known(r, joinPointer("/security", i)));
  const operations: OperationSecurity[] = [];
  for (const [path, rawItem] of Object.entries(isObject(doc.paths) ? doc.paths : {})) {
    const item = resolveLocal(doc, rawItem);
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const pointer = joinPointer("/paths", path, method);
      const own = readRequirements(op.security, joinPointer(pointer, "security"), problems);
      const requirements = own ? own.filter((r, i) => known(r, joinPointer(pointer, "security", i))) : (top ?? []);
      operations.push({
        operationId: typeof op.operationId === "string" ? op.operationId : undefined,
        method: method.toUpperCase(),
        path,
        pointer,
        requirements,
        own: own !== undefined,
      });
    }
  }
  return { schemes, default: top, operations, problems };
}

/**
 * Whether an operation with these alternatives needs a credential: not when it lists none
 * (`security: []`) or only empty ones (`[{}]`). An operation that accepts a credential or none
 * (`[{}, { oauth: [] }]`) is called with one.
 */
export function needsCredential(requirements: readonly SecurityRequirementSpec[]): boolean {
  return requirements.some((r) => Object.keys(r).length > 0);
}

/** Follows local `$ref`s (`#/components/securitySchemes/x`); anything else is returned as is. */
function resolveLocal(doc: Json, value: unknown): unknown {
  let cur = value;
  for (let i = 0; i < 16 && isObject(cur) && typeof cur.$ref === "string" && cur.$ref.startsWith("#/"); i++) {
    let next: unknown = doc;
    for (const seg of cur.$ref.slice(2).split("/")) {
      const key = decodeURIComponent(seg).replace(/~1/g, "/").replace(/~0/g, "~");
      next = isObject(next) ? next[key] : undefined;
    }
    cur = next;
  }
  return cur;
}

function readScheme(v: unknown, pointer: string, swagger: boolean, problems: SecurityProblem[]): SecuritySchemeSpec | undefined {
  const fail = (message: string, at = pointer) => void problems.push({ message, pointer: at });
  if (!isObject(v)) return fail("the security scheme is not an object (or its $ref does not resolve in this document)");
  switch (v.type) {
    case "apiKey": {
      if (typeof v.name !== "string" || v.name === "") return fail("an apiKey scheme needs a name", joinPointer(pointer, "name"));
      if (v.in !== "header" && v.in !== "query" && v.in !== "cookie") return fail(`an apiKey scheme goes in header, query or cookie, not ${JSON.stringify(v.in)}`, joinPointer(pointer, "in"));
      return { type: "apiKey", in: v.in, name: v.name };
    }
    case "basic":
      return swagger ? { type: "http", scheme: "basic" } : fail('type "basic" is Swagger 2.0; OpenAPI 3 writes type "http", scheme "basic"', joinPointer(pointer, "type"));
    case "http": {
      if (typeof v.scheme !== "string" || v.scheme === "") return fail("an http scheme needs a scheme (bearer, basic, …)", joinPointer(pointer, "scheme"));
      const scheme = v.scheme.toLowerCase();
      return typeof v.bearerFormat === "string" && scheme === "bearer" ? { type: "http", scheme, bearerFormat: v.bearerFormat } : { type: "http", scheme };
    }
    case "oauth2":
      return { type: "oauth2", flows: swagger ? swaggerFlows(v, pointer, problems) : openApiFlows(v, pointer, problems) };
    case "openIdConnect":
      if (typeof v.openIdConnectUrl !== "string") return fail("an openIdConnect scheme needs openIdConnectUrl", joinPointer(pointer, "openIdConnectUrl"));
      return { type: "openIdConnect", openIdConnectUrl: v.openIdConnectUrl };
    case "mutualTLS":
      return { type: "mutualTLS" };
    default:
      return fail(`unknown security scheme type ${JSON.stringify(v.type)}`, joinPointer(pointer, "type"));
  }
}

function flowOf(v: Json, pointer: string, problems: SecurityProblem[]): OAuthFlowSpec {
  const urls: Omit<OAuthFlowSpec, "scopes"> = {};
  for (const key of ["authorizationUrl", "tokenUrl", "refreshUrl", "deviceAuthorizationUrl"] as const) if (typeof v[key] === "string") urls[key] = v[key];
  if (!isObject(v.scopes)) problems.push({ message: "an OAuth flow needs scopes (an object, maybe empty)", pointer: joinPointer(pointer, "scopes") });
  return { ...urls, scopes: isObject(v.scopes) ? Object.keys(v.scopes) : [] };
}

function openApiFlows(v: Json, pointer: string, problems: SecurityProblem[]): OAuthFlowsSpec {
  const flows: OAuthFlowsSpec = {};
  const raw = isObject(v.flows) ? v.flows : {};
  for (const name of OPENAPI_FLOWS) if (isObject(raw[name])) flows[name] = flowOf(raw[name], joinPointer(pointer, "flows", name), problems);
  if (!Object.keys(flows).length) problems.push({ message: "an oauth2 scheme needs at least one flow", pointer: joinPointer(pointer, "flows") });
  return flows;
}

function swaggerFlows(v: Json, pointer: string, problems: SecurityProblem[]): OAuthFlowsSpec {
  const name = typeof v.flow === "string" ? SWAGGER_FLOWS[v.flow] : undefined;
  if (!name) {
    problems.push({ message: `unknown OAuth flow ${JSON.stringify(v.flow)}`, pointer: joinPointer(pointer, "flow") });
    return {};
  }
  return { [name]: flowOf(v, pointer, problems) };
}

/** `security` as written: an array of requirement objects; undefined when absent. */
function readRequirements(v: unknown, pointer: string, problems: SecurityProblem[]): SecurityRequirementSpec[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) {
    problems.push({ message: "security must be an array of requirement objects", pointer });
    return undefined;
  }
  const out: SecurityRequirementSpec[] = [];
  v.forEach((req, i) => {
    if (!isObject(req)) return void problems.push({ message: "a security requirement must be an object", pointer: joinPointer(pointer, i) });
    const entry: Record<string, string[]> = {};
    for (const [name, scopes] of Object.entries(req)) {
      entry[name] = Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === "string") : [];
    }
    out.push(entry);
  });
  return out;
}

/**
 * Reports a requirement naming a scheme the document does not define. It is kept: dropping it
 * could leave an operation that needs a credential looking like one that needs none.
 */
function requirementKnown(req: SecurityRequirementSpec, schemes: Record<string, SecuritySchemeSpec>, pointer: string, problems: SecurityProblem[]): true {
  for (const name of Object.keys(req)) {
    if (!(name in schemes)) problems.push({ message: `the requirement names the security scheme "${name}", which the document does not define`, pointer: joinPointer(pointer, name) });
  }
  return true;
}
