// Builds the ApiModel from a validated OpenAPI 3.x document: operations with their params,
// bodies, responses and pagination, named and grouped into namespaces.
import type { HttpMethod, PaginationStyle, ParamLocation, ParamSpec } from "../../runtime/operation.js";
import { parseToolOverride, type CatalogInjection, type MethodNames, type NamespaceBy } from "../../catalog/index.js";
import { joinPointer, SpecError } from "../errors.js";
import { getPointer } from "../spec/pointer.js";
import type { ApiModel, BodyModel, NamespaceModel, OperationModel, ParamModel, ResponseVariant } from "./api.js";
import { acceptFor, pickBodyMedia, pickResponseMedia } from "./media.js";
import { fallbackOperationName, isIdentifier, namespaceFile, pascalCase, RESERVED_FILES } from "./names.js";
import { namedOperations } from "./names-lock.js";
import { METHOD_ORDER, nameOperations } from "./operation-names.js";
import { normalizeSchema } from "./normalize-schema.js";
import { reachableComponentSchemas } from "./prune.js";
import { operationRepresentations } from "./representations.js";
import { answersList, detectPagination, objectProperties, type RawSchemaRef } from "./pagination.js";
import type { SchemaNode } from "./schema.js";

/** Redirect statuses the runtime follows (protocol/redirect.ts). */
const REDIRECTS: ReadonlySet<string> = new Set(["301", "302", "303", "307", "308"]);

type Json = Record<string, any>;

export interface ModelOptions {
  providerId: string;
  namespaceBy: NamespaceBy;
  pagination?: PaginationStyle;
  injection?: CatalogInjection;
  credentialParams?: { in: "header" | "query"; name: string }[];
  /** operationId -> "namespace.method". */
  overrides?: Record<string, string>;
  /**
   * `resource`: names from the HTTP method and path (model/resource-names.ts); `auto`: from the
   * operationId unless it is a path echo; `operationId` (when absent): from the operationId.
   */
  methodNames?: MethodNames;
  /** Tags, operation ids, namespaces or `namespace.method` names to keep (all when empty). */
  include?: string[];
  /** The catalog entry's own `include`: operationIds and tags; operations outside it are left out before anything else. */
  catalogInclude?: string[];
  exclude?: string[];
  /** Headers the runtime sends on every call (catalog `defaultHeaders`): such params become optional. */
  defaultHeaders?: Record<string, string>;
  /** The server the client's base URL stands for (operation servers equal to it are ignored). */
  baseUrl?: string;
}

export interface SpecInput {
  doc: Json;
  source: string;
  sha256: string;
  version: "3.0" | "3.1";
  /** Hoisted component name -> original pointer (messages point at what the author wrote). */
  origins?: Map<string, string>;
}

const methods = METHOD_ORDER;
const locations: ParamLocation[] = ["path", "query", "header", "cookie"];

export function buildModel(spec: SpecInput, options: ModelOptions): ApiModel {
  return new ModelBuilder(spec, options).build();
}

class ModelBuilder {
  private readonly doc: Json;
  private readonly warnings: string[] = [];
  private readonly credential: { in: string; name: string }[];
  /** GET operations whose success body is a list (resource names call them `list`). */
  private readonly lists = new Set<OperationModel>();
  constructor(
    private readonly spec: SpecInput,
    private readonly options: ModelOptions,
  ) {
    this.doc = spec.doc;
    this.credential = this.credentialParams();
  }

  build(): ApiModel {
    const ops: OperationModel[] = [];
    for (const [path, item] of Object.entries<Json>(this.doc.paths ?? {})) {
      if (!item || typeof item !== "object") continue;
      const itemPointer = joinPointer("/paths", path);
      const pathItem = this.deref(item, itemPointer).value;
      for (const method of methods) {
        const op = pathItem[method.toLowerCase()];
        if (!op || typeof op !== "object") continue;
        if (!this.inCatalogScope(op)) continue;
        ops.push(this.operation(path, method, pathItem, op, joinPointer(itemPointer, method.toLowerCase())));
      }
    }
    this.warnings.push(
      ...nameOperations(ops, {
        namespaceBy: this.options.namespaceBy,
        ...(this.options.methodNames ? { methodNames: this.options.methodNames } : {}),
        ...(this.options.overrides ? { overrides: this.options.overrides } : {}),
        lists: this.lists,
      }),
    );
    const kept = ops.filter((op) => this.selected(op));
    const raw = this.doc.components?.schemas ?? {};
    const component = (name: string) => this.schema(raw[name], this.spec.origins?.get(name) ?? joinPointer("/components/schemas", name));
    // A catalog entry's own filter defines the client: it gets only the schemas it uses.
    const schemas = this.options.catalogInclude?.length
      ? reachableComponentSchemas(kept, Object.keys(raw), component)
      : new Map<string, SchemaNode>(Object.keys(raw).map((name) => [name, component(name)]));
    return {
      providerId: this.options.providerId,
      title: String(this.doc.info?.title ?? this.options.providerId),
      apiVersion: String(this.doc.info?.version ?? ""),
      openapiVersion: this.spec.version,
      sha256: this.spec.sha256,
      schemas,
      namespaces: this.group(kept),
      operationNames: namedOperations(ops),
      warnings: this.warnings,
    };
  }

  private schema(raw: unknown, pointer: string): SchemaNode {
    return normalizeSchema(raw as never, { version: this.spec.version, file: this.spec.source, pointer });
  }

  /** Follows non-schema `$ref`s (parameters, bodies, responses, path items). */
  private deref(value: Json, pointer: string): { value: Json; pointer: string } {
    let cur = value;
    let at = pointer;
    for (let i = 0; i < 32 && cur && typeof cur.$ref === "string"; i++) {
      const ref: string = cur.$ref;
      const next = getPointer(this.doc, ref.slice(1));
      if (next === undefined || next === null || typeof next !== "object") {
        throw new SpecError(`The $ref "${ref}" does not resolve.`, { file: this.spec.source, pointer: joinPointer(at, "$ref") });
      }
      at = ref.slice(1);
      cur = next as Json;
    }
    return { value: cur, pointer: at };
  }

  private resolveSchema = (ref: RawSchemaRef): RawSchemaRef => {
    const r = this.deref(ref.schema, ref.pointer);
    return { schema: r.value, pointer: r.pointer };
  };

  private credentialParams(): { in: string; name: string }[] {
    const out = [...(this.options.credentialParams ?? [])];
    for (const scheme of Object.values<Json>(this.doc.components?.securitySchemes ?? {})) {
      // The credential's own parameter is the vault's to fill, never a method param.
      if (scheme?.type === "apiKey" && (scheme.in === "header" || scheme.in === "query" || scheme.in === "cookie") && typeof scheme.name === "string") {
        out.push({ in: scheme.in, name: scheme.name });
      }
    }
    const inj = this.options.injection;
    if (!inj || inj.type === "bearer" || inj.type === "basic") out.push({ in: "header", name: "Authorization" });
    if (inj?.type === "header" || inj?.type === "query") out.push({ in: inj.type, name: inj.name });
    return out;
  }

  private isCredential(p: { in: string; name: string }): boolean {
    return this.credential.some((c) => c.in === p.in && (p.in === "header" ? c.name.toLowerCase() === p.name.toLowerCase() : c.name === p.name));
  }

  private isDefaultHeader(p: { in: string; name: string }): boolean {
    if (p.in !== "header" || !this.options.defaultHeaders) return false;
    return Object.keys(this.options.defaultHeaders).some((h) => h.toLowerCase() === p.name.toLowerCase());
  }

  private operation(path: string, method: HttpMethod, pathItem: Json, op: Json, pointer: string): OperationModel {
    const params = this.params(pathItem, op, pointer, path);
    const body = this.body(op, pointer);
    if (body && params.some((p) => p.property === "body")) {
      for (const p of params) if (p.property === "body") p.property = `body_${p.in}`;
    }
    const { success, errors, successRaw } = this.responses(op, pointer);
    const answered = success.find((v) => v.kind !== "empty");
    const responseKind = answered?.kind ?? "empty";
    const bodyProps = body?.kind === "json" && op.requestBody ? this.bodyProperties(op, pointer) : [];
    const detected = detectPagination(this.options.pagination, {
      queryParams: params.filter((p) => p.in === "query").map((p) => p.wireName),
      bodyProperties: bodyProps,
      ...(successRaw ? { response: successRaw } : {}),
      resolve: this.resolveSchema,
    });
    const id = typeof op.operationId === "string" && op.operationId ? op.operationId : fallbackOperationName(method, path);
    const model: OperationModel = {
      id,
      derivedId: !(typeof op.operationId === "string" && op.operationId),
      method,
      path,
      namespace: "",
      name: "",
      typeName: "",
      tags: Array.isArray(op.tags) ? op.tags.map(String) : [],
      deprecated: op.deprecated === true,
      params,
      success,
      errors,
      responseKind,
      pointer,
    };
    if (typeof op.summary === "string" && op.summary.trim()) model.summary = op.summary.trim();
    if (typeof op.description === "string" && op.description.trim()) model.description = op.description.trim();
    if (typeof op.externalDocs?.url === "string") model.docsUrl = op.externalDocs.url;
    if (body) model.body = body;
    const accept = answered && acceptFor(answered.kind, answered.mediaType);
    if (accept) model.accept = accept;
    const representations = operationRepresentations(op, pointer, success, { deref: (v, at) => this.deref(v, at), schema: (raw, at) => this.schema(raw, at) });
    if (representations) model.representations = representations;
    if (op["x-alter-tool"] !== undefined) {
      const at = joinPointer(pointer, "x-alter-tool");
      model.tool = parseToolOverride(op["x-alter-tool"], (p, message) => {
        throw new SpecError(`x-alter-tool${p} ${message}.`, { file: this.spec.source, pointer: at + p });
      });
    }
    if (method === "GET" && (detected || answersList(successRaw, this.resolveSchema))) this.lists.add(model);
    if (detected) model.paginate = { ...(detected.items ? { items: detected.items } : {}), item: this.schema(detected.item.schema, detected.item.pointer) };
    const baseUrl = this.operationServer(op.servers ?? pathItem.servers);
    if (baseUrl) model.baseUrl = baseUrl;
    return model;
  }

  private operationServer(servers: unknown): string | undefined {
    if (!Array.isArray(servers) || !servers.length) return undefined;
    const s = servers[0] as Json;
    if (typeof s?.url !== "string") return undefined;
    const url = s.url.replace(/\{([^}]+)\}/g, (m: string, v: string) => (s.variables?.[v]?.default !== undefined ? String(s.variables[v].default) : m)).replace(/\/$/, "");
    const docServer = typeof this.doc.servers?.[0]?.url === "string" ? String(this.doc.servers[0].url).replace(/\/$/, "") : undefined;
    if (url === docServer || url === this.options.baseUrl?.replace(/\/$/, "")) return undefined;
    return url;
  }

  /**
   * Whether "" is a value of path parameter `p` of `path` (issue: GitHub's repos/get-content lists
   * the repository's root with `path: ""`). Only where the document says so (a multi-segment path
   * parameter, `minLength: 0`, an enum or default of ""), the parameter is the template's whole
   * last segment, and no other path of the document sits at the template without it: otherwise
   * `branches/{branch}` with "" would reach the branch listing.
   */
  private emptyPathValue(path: string, p: Json, rawSchema: unknown): boolean {
    const schema = (rawSchema && typeof rawSchema === "object" ? rawSchema : {}) as Json;
    const says = p["x-multi-segment"] === true || schema.minLength === 0 || schema.default === "" || (Array.isArray(schema.enum) && schema.enum.includes(""));
    if (!says || (schema.type !== undefined && schema.type !== "string") || (typeof schema.minLength === "number" && schema.minLength > 0)) return false;
    if (Array.isArray(schema.enum) && !schema.enum.includes("")) return false;
    const tail = `/{${p.name}}`;
    if (!path.endsWith(tail) || path.split(`{${p.name}}`).length !== 2) return false;
    const parent = path.slice(0, -tail.length);
    const paths = (this.doc.paths ?? {}) as Json;
    return !(parent in paths || `${parent}/` in paths || parent === "");
  }

  private params(pathItem: Json, op: Json, pointer: string, path: string): ParamModel[] {
    const byKey = new Map<string, { p: Json; pointer: string }>();
    const itemPointer = pointer.slice(0, pointer.lastIndexOf("/"));
    const add = (list: unknown, base: string) => {
      if (!Array.isArray(list)) return;
      list.forEach((raw, i) => {
        const r = this.deref(raw as Json, joinPointer(base, "parameters", i));
        const p = r.value;
        if (typeof p.name !== "string" || !locations.includes(p.in)) {
          throw new SpecError(`A parameter needs a "name" and an "in" of path, query, header or cookie.`, { file: this.spec.source, pointer: r.pointer });
        }
        byKey.set(`${p.in}:${p.name}`, { p, pointer: r.pointer });
      });
    };
    add(pathItem.parameters, itemPointer);
    add(op.parameters, pointer);
    const out: ParamModel[] = [];
    const used = new Set<string>();
    const entries = [...byKey.values()].filter(({ p }) => !this.isCredential(p as { in: string; name: string }));
    // Path params claim their names first so a clashing query/header param is the one renamed.
    entries.sort((a, b) => locations.indexOf(a.p.in) - locations.indexOf(b.p.in));
    for (const { p, pointer: at } of entries) {
      let property: string = p.name;
      if (used.has(property)) {
        property = `${p.name}_${p.in}`;
        for (let i = 2; used.has(property); i++) property = `${p.name}_${p.in}${i}`;
      }
      used.add(property);
      let rawSchema: unknown = p.schema;
      let schemaPointer = joinPointer(at, "schema");
      if (rawSchema === undefined && p.content && typeof p.content === "object") {
        const media = Object.keys(p.content)[0];
        if (media) {
          rawSchema = p.content[media]?.schema;
          schemaPointer = joinPointer(at, "content", media, "schema");
        }
      }
      const param: ParamModel = {
        property,
        wireName: p.name,
        in: p.in,
        required: p.in === "path" || (p.required === true && !this.isDefaultHeader(p as { in: string; name: string })),
        schema: this.schema(rawSchema ?? {}, schemaPointer),
      };
      if (typeof p.description === "string" && p.description.trim()) param.description = p.description.trim();
      if (p.deprecated === true) param.deprecated = true;
      const defaultStyle = p.in === "query" || p.in === "cookie" ? "form" : "simple";
      if (typeof p.style === "string" && p.style !== defaultStyle) param.style = p.style as ParamSpec["style"];
      const style = p.style ?? defaultStyle;
      if (typeof p.explode === "boolean" && p.explode !== (style === "form")) param.explode = p.explode;
      if (p.allowReserved === true) param.allowReserved = true;
      if (p.in === "path" && this.emptyPathValue(path, p, rawSchema && typeof rawSchema === "object" ? this.resolveSchema({ schema: rawSchema as Json, pointer: schemaPointer }).schema : undefined)) param.allowEmpty = true;
      out.push(param);
    }
    // Property order follows the document (path item first), not the claim order.
    const order = [...byKey.keys()];
    out.sort((a, b) => order.indexOf(`${a.in}:${a.wireName}`) - order.indexOf(`${b.in}:${b.wireName}`));
    return out;
  }

  private body(op: Json, pointer: string): BodyModel | undefined {
    if (!op.requestBody) return undefined;
    const r = this.deref(op.requestBody, joinPointer(pointer, "requestBody"));
    const content = r.value.content;
    if (!content || typeof content !== "object") return undefined;
    const picked = pickBodyMedia(content);
    if (!picked) return undefined;
    const raw = content[picked.mediaType]?.schema;
    // A body whose schema has required fields cannot be left out, whatever `required` says
    // (Slack's form bodies omit it).
    const body: BodyModel = { kind: picked.kind, mediaType: picked.mediaType, required: r.value.required === true || this.hasRequiredFields(raw, joinPointer(r.pointer, "content", picked.mediaType, "schema")) };
    if (raw !== undefined && picked.kind !== "binary") body.schema = this.schema(raw, joinPointer(r.pointer, "content", picked.mediaType, "schema"));
    if (typeof r.value.description === "string" && r.value.description.trim()) body.description = r.value.description.trim();
    return body;
  }

  private hasRequiredFields(raw: unknown, pointer: string, depth = 0): boolean {
    if (!raw || typeof raw !== "object" || depth > 8) return false;
    const r = this.resolveSchema({ schema: raw as Json, pointer });
    if (Array.isArray(r.schema.required) && r.schema.required.length > 0) return true;
    return Array.isArray(r.schema.allOf) && r.schema.allOf.some((part: unknown, i: number) => this.hasRequiredFields(part, joinPointer(r.pointer, "allOf", i), depth + 1));
  }

  private bodyProperties(op: Json, pointer: string): string[] {
    const r = this.deref(op.requestBody, joinPointer(pointer, "requestBody"));
    const picked = pickBodyMedia(r.value.content ?? {});
    const raw = picked && r.value.content[picked.mediaType]?.schema;
    if (!raw) return [];
    return [...objectProperties({ schema: raw, pointer: joinPointer(r.pointer, "content", picked.mediaType, "schema") }, this.resolveSchema).keys()];
  }

  private responses(op: Json, pointer: string): { success: ResponseVariant[]; errors: ResponseVariant[]; successRaw?: RawSchemaRef } {
    const success: ResponseVariant[] = [];
    const errors: ResponseVariant[] = [];
    let successRaw: RawSchemaRef | undefined;
    let redirect: ResponseVariant | undefined;
    const codes = Object.keys(op.responses ?? {}).sort();
    for (const status of codes) {
      const r = this.deref(op.responses[status], joinPointer(pointer, "responses", status));
      const content = r.value?.content;
      const picked = content && typeof content === "object" ? pickResponseMedia(content) : undefined;
      const raw = picked ? content[picked.mediaType]?.schema : undefined;
      const variant: ResponseVariant = { status, kind: picked ? picked.kind : "empty" };
      if (picked) variant.mediaType = picked.mediaType;
      if (picked && raw !== undefined && picked.kind === "json") {
        const at = joinPointer(r.pointer, "content", picked.mediaType, "schema");
        variant.schema = this.schema(raw, at);
        if (/^2/.test(status) && !successRaw) successRaw = { schema: raw, pointer: at };
      }
      if (/^2/.test(status) || status === "2XX") success.push(variant);
      else if (/^[45]/.test(status) || status === "default") errors.push(variant);
      else if (REDIRECTS.has(status)) redirect ??= variant;
    }
    // An operation that only ever redirects answers with what the redirect leads to, since the
    // runtime follows it: what the document says that is (Jira's 303 to a task it describes), or
    // bytes when it says nothing (GitHub's archive downloads: a 302 to another host).
    if (success.length === 0 && redirect) success.push(redirect.kind === "empty" ? { status: redirect.status, kind: "binary" } : redirect);
    return { success, errors, ...(successRaw ? { successRaw } : {}) };
  }

  /**
   * A catalog entry's `include` matches the document's own operationIds and tags, not derived
   * names: it defines which operations the client has at all, so the others are never modelled
   * or named (Graph: 447 of 11,422, and naming all of them took most of the model time).
   */
  private inCatalogScope(op: Json): boolean {
    const scope = this.options.catalogInclude ?? [];
    if (!scope.length) return true;
    const tags: unknown[] = Array.isArray(op.tags) ? op.tags : [];
    return scope.includes(op.operationId) || tags.some((t) => typeof t === "string" && scope.includes(t));
  }

  private selected(op: OperationModel): boolean {
    const keys = [op.id, op.namespace, `${op.namespace}.${op.name}`, ...op.tags];
    const inc = this.options.include ?? [];
    const exc = this.options.exclude ?? [];
    if (inc.length && !keys.some((k) => inc.includes(k))) return false;
    return !keys.some((k) => exc.includes(k));
  }

  private group(ops: OperationModel[]): NamespaceModel[] {
    const by = new Map<string, OperationModel[]>();
    for (const op of ops) by.set(op.namespace, [...(by.get(op.namespace) ?? []), op]);
    const files = new Set<string>(RESERVED_FILES);
    return [...by.keys()].sort().map((name) => {
      const operations = by.get(name)!.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return { name, typeName: pascalCase(name), file: namespaceFile(name, files), operations };
    });
  }
}

export { isIdentifier };
