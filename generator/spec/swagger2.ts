// Converts a Swagger 2.0 document to OpenAPI 3.0 so the model only ever reads 3.x.
// Covers what shapes client code: servers, body/formData parameters, consumes/produces,
// collectionFormat, file types, x-nullable, and the component sections.
type Json = Record<string, any>;

const collectionStyles: Record<string, { style?: string; explode: boolean }> = {
  csv: { explode: false },
  multi: { explode: true },
  ssv: { style: "spaceDelimited", explode: false },
  pipes: { style: "pipeDelimited", explode: false },
  tsv: { explode: false },
};

const schemaKeys = [
  "type", "format", "items", "enum", "default", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
  "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems", "multipleOf",
];

function refTarget(ref: string, bodyParams: Set<string>): string {
  if (ref.startsWith("#/definitions/")) return "#/components/schemas/" + ref.slice(14);
  if (ref.startsWith("#/parameters/")) {
    const name = ref.slice(13);
    return bodyParams.has(name) ? "#/components/requestBodies/" + name : "#/components/parameters/" + name;
  }
  if (ref.startsWith("#/responses/")) return "#/components/responses/" + ref.slice(12);
  return ref;
}

/** Rewrites refs and 2.0-only schema keywords in place (on a deep copy). */
function fixSchemas(value: unknown, bodyParams: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => fixSchemas(v, bodyParams));
  if (value === null || typeof value !== "object") return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === "$ref" && typeof v === "string") out[k] = refTarget(v, bodyParams);
    else if (k === "x-nullable") out.nullable = v;
    else if (k === "type" && v === "file") {
      out.type = "string";
      out.format = "binary";
    } else out[k] = fixSchemas(v, bodyParams);
  }
  return out;
}

function paramSchema(p: Json): Json {
  const schema: Json = {};
  for (const k of schemaKeys) if (k in p) schema[k] = p[k];
  if (schema.type === "file") {
    schema.type = "string";
    schema.format = "binary";
  }
  if (p["x-nullable"]) schema.nullable = true;
  return schema;
}

function isFormMedia(m: string) {
  return m === "application/x-www-form-urlencoded" || m === "multipart/form-data";
}

export function convertSwagger2(doc: Json): Json {
  const bodyParams = new Set<string>();
  for (const [name, p] of Object.entries<Json>(doc.parameters ?? {})) if (p.in === "body") bodyParams.add(name);
  const src = fixSchemas(doc, bodyParams) as Json;
  const globalConsumes: string[] = src.consumes ?? ["application/json"];
  const globalProduces: string[] = src.produces ?? ["application/json"];
  const resolveParam = (p: Json): Json => {
    if (typeof p.$ref === "string" && p.$ref.startsWith("#/components/parameters/")) {
      return src.parameters?.[p.$ref.slice(24)] ?? p;
    }
    if (typeof p.$ref === "string" && p.$ref.startsWith("#/components/requestBodies/")) {
      return src.parameters?.[p.$ref.slice(27)] ?? p;
    }
    return p;
  };

  const out: Json = { openapi: "3.0.3", info: src.info ?? { title: "API", version: "0" } };
  if (src.host || src.basePath) {
    const schemes: string[] = src.schemes ?? ["https"];
    out.servers = [{ url: `${schemes.includes("https") ? "https" : schemes[0]}://${src.host ?? "localhost"}${src.basePath ?? ""}`.replace(/\/$/, "") }];
  } else if (src.basePath) out.servers = [{ url: src.basePath }];
  if (src.tags) out.tags = src.tags;
  if (src.externalDocs) out.externalDocs = src.externalDocs;
  if (src.security) out.security = src.security;

  const components: Json = {};
  if (src.definitions) components.schemas = src.definitions;
  const params: Json = {};
  const requestBodies: Json = {};
  for (const [name, p] of Object.entries<Json>(src.parameters ?? {})) {
    if (p.in === "body") requestBodies[name] = convertBody([p], globalConsumes);
    else if (p.in !== "formData") params[name] = convertParam(p);
  }
  if (Object.keys(params).length) components.parameters = params;
  if (Object.keys(requestBodies).length) components.requestBodies = requestBodies;
  if (src.responses) {
    components.responses = Object.fromEntries(Object.entries<Json>(src.responses).map(([k, r]) => [k, convertResponse(r, globalProduces)]));
  }
  if (src.securityDefinitions) components.securitySchemes = convertSecurity(src.securityDefinitions);
  if (Object.keys(components).length) out.components = components;

  out.paths = {};
  for (const [p, item] of Object.entries<Json>(src.paths ?? {})) {
    const newItem: Json = {};
    const shared: Json[] = (item.parameters ?? []).map(resolveParam);
    for (const [key, op] of Object.entries<any>(item)) {
      if (key === "parameters") continue;
      if (key.startsWith("x-") || typeof op !== "object" || op === null) {
        newItem[key] = op;
        continue;
      }
      const consumes: string[] = op.consumes ?? globalConsumes;
      const produces: string[] = op.produces ?? globalProduces;
      const all: Json[] = [...shared.filter((s) => !(op.parameters ?? []).some((o: Json) => resolveParam(o).name === s.name && resolveParam(o).in === s.in)), ...(op.parameters ?? [])];
      const newOp: Json = {};
      for (const [k, v] of Object.entries<any>(op)) {
        if (k === "parameters" || k === "consumes" || k === "produces" || k === "responses" || k === "schemes") continue;
        newOp[k] = v;
      }
      const body = all.filter((x) => resolveParam(x).in === "body");
      const form = all.filter((x) => resolveParam(x).in === "formData").map(resolveParam);
      const rest = all.filter((x) => !["body", "formData"].includes(resolveParam(x).in));
      if (rest.length) newOp.parameters = rest.map((x) => (x.$ref ? x : convertParam(x)));
      if (body.length === 1 && body[0]!.$ref) newOp.requestBody = { $ref: body[0]!.$ref };
      else if (body.length) newOp.requestBody = convertBody(body.map(resolveParam), consumes);
      else if (form.length) newOp.requestBody = convertForm(form, consumes);
      newOp.responses = Object.fromEntries(
        Object.entries<Json>(op.responses ?? {}).map(([code, r]) => [code, r.$ref ? r : convertResponse(r, produces)]),
      );
      newItem[key] = newOp;
    }
    out.paths[p] = newItem;
  }
  for (const [k, v] of Object.entries(src)) if (k.startsWith("x-")) out[k] = v;
  return out;
}

function convertParam(p: Json): Json {
  const out: Json = { name: p.name, in: p.in };
  if (p.description) out.description = p.description;
  if (p.required || p.in === "path") out.required = true;
  if (p.deprecated) out.deprecated = true;
  out.schema = paramSchema(p);
  if (p.type === "array") {
    const cf = collectionStyles[p.collectionFormat ?? "csv"] ?? collectionStyles.csv!;
    if (cf.style) out.style = cf.style;
    if (p.in === "query" || p.in === "formData") out.explode = cf.explode;
  }
  for (const [k, v] of Object.entries(p)) if (k.startsWith("x-")) out[k] = v;
  return out;
}

function convertBody(body: Json[], consumes: string[]): Json {
  const p = body[0]!;
  const media = consumes.filter((m) => !isFormMedia(m));
  const content: Json = {};
  for (const m of media.length ? media : ["application/json"]) content[m] = { schema: p.schema ?? {} };
  const out: Json = { content };
  if (p.description) out.description = p.description;
  if (p.required) out.required = true;
  return out;
}

function convertForm(form: Json[], consumes: string[]): Json {
  const hasFile = form.some((f) => f.type === "file" || (f.type === "string" && f.format === "binary"));
  const media = hasFile || consumes.includes("multipart/form-data") && !consumes.includes("application/x-www-form-urlencoded")
    ? "multipart/form-data"
    : "application/x-www-form-urlencoded";
  const properties: Json = {};
  const required: string[] = [];
  for (const f of form) {
    const schema = paramSchema(f);
    if (f.description) schema.description = f.description;
    properties[f.name] = schema;
    if (f.required) required.push(f.name);
  }
  const schema: Json = { type: "object", properties };
  if (required.length) schema.required = required;
  return { content: { [media]: { schema } }, ...(required.length ? { required: true } : {}) };
}

function convertResponse(r: Json, produces: string[]): Json {
  const out: Json = { description: r.description ?? "" };
  if (r.schema) {
    out.content = {};
    for (const m of produces.length ? produces : ["application/json"]) out.content[m] = { schema: r.schema };
  }
  if (r.headers) {
    out.headers = Object.fromEntries(Object.entries<Json>(r.headers).map(([k, h]) => [k, { description: h.description, schema: paramSchema(h) }]));
  }
  return out;
}

function convertSecurity(defs: Json): Json {
  const out: Json = {};
  for (const [name, d] of Object.entries<Json>(defs)) {
    if (d.type === "basic") out[name] = { type: "http", scheme: "basic" };
    else if (d.type === "apiKey") out[name] = { type: "apiKey", name: d.name, in: d.in };
    else if (d.type === "oauth2") {
      const flowName = { implicit: "implicit", password: "password", application: "clientCredentials", accessCode: "authorizationCode" }[d.flow as string] ?? "authorizationCode";
      out[name] = {
        type: "oauth2",
        flows: { [flowName]: { authorizationUrl: d.authorizationUrl, tokenUrl: d.tokenUrl, scopes: d.scopes ?? {} } },
      };
    } else out[name] = d;
  }
  return out;
}
