// Parameter, body, response and pagination modelling, table-driven over tiny inline documents.
import { describe, expect, it } from "vitest";
import type { PaginationStyle } from "../../runtime/operation.js";
import type { OperationModel } from "../../generator/model/api.js";
import { buildModel, type ModelOptions } from "../../generator/model/build.js";

function op(operation: Record<string, unknown>, options: Partial<ModelOptions> = {}, extra: Record<string, unknown> = {}): OperationModel {
  const doc = { openapi: "3.0.3", info: { title: "t", version: "1" }, paths: { "/things/{id}": { post: { operationId: "things/do", ...operation } } }, ...extra };
  const model = buildModel({ doc, source: "inline.yaml", sha256: "0", version: "3.0" }, { providerId: "t", namespaceBy: "operationId-prefix", ...options });
  return model.namespaces[0]!.operations[0]!;
}

const idParam = { name: "id", in: "path", required: true, schema: { type: "string" } };
const json = (schema: unknown) => ({ content: { "application/json": { schema } } });

describe("parameters", () => {
  const cases: [string, { given: { operation: Record<string, unknown>; options?: Partial<ModelOptions>; extra?: Record<string, unknown> }; want: Record<string, unknown>[] }][] = [
    ["path param is required", { given: { operation: { parameters: [idParam] } }, want: [{ property: "id", in: "path", required: true }] }],
    [
      "query param with the same name is renamed, wire name kept",
      { given: { operation: { parameters: [idParam, { name: "id", in: "query", schema: { type: "string" } }] } }, want: [{ property: "id", in: "path" }, { property: "id_query", wireName: "id", in: "query" }] },
    ],
    ["catalog credential params are dropped", { given: { operation: { parameters: [idParam, { name: "token", in: "query" }] }, options: { credentialParams: [{ in: "query", name: "token" }] } }, want: [{ property: "id" }] }],
    [
      "apiKey security scheme params are dropped (header names case-insensitively)",
      {
        given: {
          operation: { parameters: [idParam, { name: "x-api-key", in: "header" }] },
          extra: { components: { securitySchemes: { k: { type: "apiKey", in: "header", name: "X-API-Key" } } } },
        },
        want: [{ property: "id" }],
      },
    ],
    ["Authorization header is dropped for bearer injection", { given: { operation: { parameters: [idParam, { name: "Authorization", in: "header" }] }, options: { injection: { type: "bearer" } } }, want: [{ property: "id" }] }],
    [
      "non-default style/explode are recorded",
      { given: { operation: { parameters: [idParam, { name: "tags", in: "query", explode: false, schema: { type: "array", items: { type: "string" } } }] } }, want: [{ property: "id" }, { property: "tags", explode: false }] },
    ],
    [
      "a param named body is renamed when there is a body",
      { given: { operation: { parameters: [idParam, { name: "body", in: "query" }], requestBody: json({ type: "object" }) } }, want: [{ property: "id" }, { property: "body_query", wireName: "body" }] },
    ],
  ];
  it.each(cases)("%s", (_name, { given, want }) => {
    const params = op(given.operation, given.options, given.extra).params;
    expect(params).toHaveLength(want.length);
    want.forEach((w, i) => expect(params[i]).toMatchObject(w));
  });
});

describe("bodies and responses", () => {
  const cases: [string, { given: Record<string, unknown>; want: Partial<OperationModel> | Record<string, unknown> }][] = [
    ["JSON body", { given: { requestBody: { required: true, ...json({ type: "object" }) } }, want: { body: { kind: "json", mediaType: "application/json", required: true } } }],
    ["a body with required fields is required even without `required: true`", { given: { requestBody: { content: { "application/x-www-form-urlencoded": { schema: { type: "object", required: ["channel"], properties: { channel: { type: "string" } } } } } } }, want: { body: { kind: "form", required: true } } }],
    ["form body", { given: { requestBody: { content: { "application/x-www-form-urlencoded": { schema: { type: "object" } } } } }, want: { body: { kind: "form", mediaType: "application/x-www-form-urlencoded", required: false } } }],
    ["multipart body", { given: { requestBody: { content: { "multipart/form-data": { schema: { type: "object" } } } } }, want: { body: { kind: "multipart" } } }],
    ["binary body", { given: { requestBody: { content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } } } }, want: { body: { kind: "binary", mediaType: "application/octet-stream" } } }],
    ["*/* body is binary", { given: { requestBody: { content: { "*/*": {} } } }, want: { body: { kind: "binary", mediaType: "*/*" } } }],
    ["JSON is preferred over form", { given: { requestBody: { content: { "application/x-www-form-urlencoded": {}, "application/json": {} } } }, want: { body: { kind: "json" } } }],
    ["empty response", { given: { responses: { "204": { description: "x" } } }, want: { responseKind: "empty" } }],
    ["text response", { given: { responses: { "200": { description: "x", content: { "text/plain": { schema: { type: "string" } } } } } }, want: { responseKind: "text" } }],
    ["binary response", { given: { responses: { "200": { description: "x", content: { "application/zip": {} } } } }, want: { responseKind: "binary" } }],
    ["vendor JSON response", { given: { responses: { "200": { description: "x", content: { "application/vnd.github+json": { schema: { type: "object" } } } } } }, want: { responseKind: "json" } }],
    ["operation server", { given: { servers: [{ url: "https://uploads.example.com/{v}", variables: { v: { default: "v2" } } }] }, want: { baseUrl: "https://uploads.example.com/v2" } }],
    // The response is typed from, and the runtime asks for, one and the same representation.
    ["plain JSON is preferred over vendor JSON listed first", { given: { responses: { "200": { description: "x", content: { "application/vnd.x.object": { schema: { type: "object" } }, "application/json": { schema: { type: "array" } } } } } }, want: { success: [{ mediaType: "application/json" }], accept: undefined } }],
    ["vendor JSON alone is asked for by name", { given: { responses: { "200": { description: "x", content: { "application/vnd.github.v3.star+json": { schema: { type: "object" } } } } } }, want: { accept: "application/vnd.github.v3.star+json" } }],
    ["an HTML answer is asked for as HTML", { given: { responses: { "200": { description: "x", content: { "text/html": { schema: { type: "string" } } } } } }, want: { responseKind: "text", accept: "text/html" } }],
    ["a text/plain answer keeps the default Accept", { given: { responses: { "200": { description: "x", content: { "text/plain": { schema: { type: "string" } } } } } }, want: { responseKind: "text", accept: undefined } }],
    ["JSON body: plain JSON preferred over vendor JSON", { given: { requestBody: { content: { "application/vnd.x+json": {}, "application/json": {} } } }, want: { body: { kind: "json", mediaType: "application/json" } } }],
  ];
  it.each(cases)("%s", (_name, { given, want }) => {
    const { accept, ...rest } = want as Record<string, unknown>;
    const got = op({ parameters: [idParam], responses: { "200": { description: "ok" } }, ...given });
    expect(got).toMatchObject(rest);
    if ("accept" in want) expect(got.accept).toBe(accept);
  });

  it("error responses are 4xx, 5xx and default", () => {
    const o = op({ parameters: [idParam], responses: { "200": { description: "ok", ...json({}) }, "404": { description: "nf", ...json({}) }, "500": { description: "e" }, default: { description: "d", ...json({}) } } });
    expect(o.errors.map((e) => e.status)).toEqual(["404", "500", "default"]);
    expect(o.success.map((e) => e.status)).toEqual(["200"]);
  });
});

describe("representations", () => {
  const ok = (content: Record<string, unknown>) => ({ responses: { "200": { description: "x", content } } });
  const str = { schema: { type: "string" } };
  const obj = { schema: { type: "object", properties: { a: { type: "string" } } } };
  // want: [media type, kind, whether a schema is kept] per representation, the default first; undefined: none listed.
  const cases: [string, { given: Record<string, unknown>; want: [string, string, boolean][] | undefined }][] = [
    ["one media type lists none", { given: ok({ "application/json": obj }), want: undefined }],
    [
      "JSON beside diff, patch and sha (GitHub's repos/get-commit): JSON first, the others by name as text",
      { given: ok({ "application/vnd.github.patch": str, "application/json": obj, "application/vnd.github.diff": str, "application/vnd.github.sha": str }), want: [["application/json", "json", false], ["application/vnd.github.diff", "text", false], ["application/vnd.github.patch", "text", false], ["application/vnd.github.sha", "text", false]] },
    ],
    ["vendor JSON listed first is another JSON representation with its own schema", { given: ok({ "application/vnd.x.object": obj, "application/json": { schema: { type: "array" } } }), want: [["application/json", "json", false], ["application/vnd.x.object", "json", true]] }],
    ["XML beside JSON is text, whatever its schema (Zoom)", { given: ok({ "application/json": obj, "application/xml": obj }), want: [["application/json", "json", false], ["application/xml", "text", false]] }],
    ["images beside JSON are binary (Jira avatars)", { given: ok({ "application/json": obj, "image/png": {}, "image/svg+xml": {} }), want: [["application/json", "json", false], ["image/png", "binary", false], ["image/svg+xml", "binary", false]] }],
    ["a media range is not a representation to ask for", { given: ok({ "application/json": obj, "*/*": str }), want: undefined }],
    ["parameters and case are dropped, and duplicates merged", { given: ok({ "application/json; charset=utf-8": obj, "Application/JSON": obj, "text/plain": str }), want: [["application/json", "json", false], ["text/plain", "text", false]] }],
    [
      "media types of every 2xx status count, error media types do not",
      { given: { responses: { "200": { description: "x", content: { "application/json": obj } }, "206": { description: "x", content: { "application/octet-stream": {} } }, "404": { description: "x", content: { "text/html": str } } } }, want: [["application/json", "json", false], ["application/octet-stream", "binary", false]] },
    ],
  ];
  it.each(cases)("%s", (_name, { given, want }) => {
    const got = op({ parameters: [idParam], ...given }).representations;
    expect(got?.map((r) => [r.mediaType, r.kind, r.schema !== undefined])).toEqual(want);
  });
});

describe("pagination", () => {
  const page = (schema: unknown) => ({ responses: { "200": { description: "ok", ...json(schema) } } });
  const q = (name: string) => ({ name, in: "query", schema: { type: "string" } });
  const cases: [string, { given: { style: PaginationStyle; operation: Record<string, unknown> }; want: { items?: string } | undefined }][] = [
    ["link-header with page param and array body", { given: { style: { style: "link-header" }, operation: { parameters: [idParam, q("page")], ...page({ type: "array", items: { type: "string" } }) } }, want: {} }],
    [
      "link-header with one array property",
      { given: { style: { style: "link-header" }, operation: { parameters: [idParam, q("page")], ...page({ type: "object", properties: { total_count: { type: "integer" }, runs: { type: "array", items: {} } } }) } }, want: { items: "runs" } },
    ],
    ["no page param, not paginated", { given: { style: { style: "link-header" }, operation: { parameters: [idParam], ...page({ type: "array", items: {} }) } }, want: undefined }],
    [
      "item-cursor (Stripe) data array",
      { given: { style: { style: "item-cursor", param: "starting_after", hasMore: "has_more", idField: "id" }, operation: { parameters: [idParam, q("starting_after")], ...page({ type: "object", properties: { data: { type: "array", items: {} }, has_more: { type: "boolean" } } }) } }, want: { items: "data" } },
    ],
    [
      "cursor param in a JSON body (Notion)",
      {
        given: {
          style: { style: "cursor", param: "start_cursor", next: "next_cursor", in: "body" },
          operation: { parameters: [idParam], requestBody: json({ type: "object", properties: { start_cursor: { type: "string" } } }), ...page({ type: "object", properties: { results: { type: "array", items: {} } } }) },
        },
        want: { items: "results" },
      },
    ],
    [
      "several arrays: the preferred name wins",
      { given: { style: { style: "offset", param: "startAt", total: "total" }, operation: { parameters: [idParam, q("startAt")], ...page({ type: "object", properties: { names: { type: "array", items: {} }, values: { type: "array", items: {} } } }) } }, want: { items: "values" } },
    ],
    [
      "several arrays, none preferred: not paginated",
      { given: { style: { style: "offset", param: "startAt", total: "total" }, operation: { parameters: [idParam, q("startAt")], ...page({ type: "object", properties: { a: { type: "array", items: {} }, b: { type: "array", items: {} } } }) } }, want: undefined },
    ],
  ];
  it.each(cases)("%s", (_name, { given, want }) => {
    const o = op(given.operation, { pagination: given.style });
    if (want === undefined) expect(o.paginate).toBeUndefined();
    else {
      expect(o.paginate).toBeDefined();
      expect(o.paginate!.items).toBe(want.items);
    }
  });
});

describe("names across operations", () => {
  it("collisions get a numeric suffix and a warning, never a dropped operation", () => {
    const doc = {
      openapi: "3.0.3",
      info: { title: "t", version: "1" },
      paths: { "/a": { get: { operationId: "x/get" } }, "/b": { get: { operationId: "x/get" } } },
    };
    const model = buildModel({ doc, source: "inline.yaml", sha256: "0", version: "3.0" }, { providerId: "t", namespaceBy: "operationId-prefix" });
    expect(model.namespaces[0]!.operations.map((o) => [o.name, o.path])).toEqual([
      ["get", "/a"],
      ["get2", "/b"],
    ]);
    expect(model.warnings).toHaveLength(1);
    expect(model.warnings[0]).toContain("x.get2");
  });

  it("overrides rename operations", () => {
    const doc = { openapi: "3.0.3", info: { title: "t", version: "1" }, paths: { "/a": { get: { operationId: "retrieveABlock", tags: ["Blocks"] } } } };
    const model = buildModel({ doc, source: "inline.yaml", sha256: "0", version: "3.0" }, { providerId: "t", namespaceBy: "tag", overrides: { retrieveABlock: "blocks.retrieve" } });
    expect(model.namespaces[0]!.name).toBe("blocks");
    expect(model.namespaces[0]!.operations[0]!.name).toBe("retrieve");
  });

  it("include and exclude filter by tag, operation id and namespace.method", () => {
    const doc = {
      openapi: "3.0.3",
      info: { title: "t", version: "1" },
      paths: { "/a": { get: { operationId: "a/one", tags: ["alpha"] }, post: { operationId: "a/two", tags: ["beta"] } }, "/b": { get: { operationId: "b/three" } } },
    };
    const names = (options: Partial<ModelOptions>) =>
      buildModel({ doc, source: "i", sha256: "0", version: "3.0" }, { providerId: "t", namespaceBy: "operationId-prefix", ...options }).namespaces.flatMap((n) => n.operations.map((o) => `${n.name}.${o.name}`));
    expect(names({ include: ["alpha"] })).toEqual(["a.one"]);
    expect(names({ include: ["b/three", "a.two"] })).toEqual(["a.two", "b.three"]);
    expect(names({ exclude: ["a"] })).toEqual(["b.three"]);
  });
});

describe("names from resources when operationIds are missing or path echoes", () => {
  const page = (item: string) => json({ type: "object", properties: { values: { type: "array", items: { type: "string" } }, next: { type: "string" } }, example: item });
  // A Bitbucket-like document: tags for namespaces, no operationIds, most paths below
  // /repositories/{workspace}/{repo_slug}, lists answered as pages.
  const doc = {
    openapi: "3.0.3",
    info: { title: "t", version: "1" },
    paths: {
      "/repositories": { get: { tags: ["Repositories"], responses: { 200: page("r") } } },
      "/repositories/{workspace}": { get: { tags: ["Repositories"], responses: { 200: page("r") } } },
      "/repositories/{workspace}/{repo_slug}": { get: { tags: ["Repositories"] }, post: { tags: ["Repositories"] }, put: { tags: ["Repositories"] }, delete: { tags: ["Repositories"] } },
      "/repositories/{workspace}/{repo_slug}/pullrequests": { get: { tags: ["Pullrequests"], responses: { 200: page("p") } }, post: { tags: ["Pullrequests"] } },
      "/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}": { get: { tags: ["Pullrequests"] } },
      "/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/merge": { post: { tags: ["Pullrequests"] } },
      "/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/comments": { get: { tags: ["Pullrequests"], responses: { 200: page("c") } } },
      "/pullrequests/{selected_user}": { get: { tags: ["Pullrequests"], responses: { 200: page("p") } } },
      "/repositories/{workspace}/{repo_slug}/hooks/{uid}": { get: { tags: ["Repositories"], operationId: "getRepositoriesWorkspaceRepoSlugHooksUid" } },
    },
  };
  const names = (methodNames?: ModelOptions["methodNames"]) =>
    buildModel({ doc, source: "i", sha256: "0", version: "3.0" }, { providerId: "t", namespaceBy: "tag", ...(methodNames ? { methodNames } : {}) }).namespaces.flatMap((n) =>
      n.operations.map((o) => `${o.method} ${o.path} ${n.name}.${o.name}`),
    );

  it("derives short names under the tags, telling colliding ones apart by their parameter", () => {
    expect(names("auto")).toEqual([
      "POST /repositories/{workspace}/{repo_slug}/pullrequests pullrequests.create",
      "GET /repositories/{workspace}/{repo_slug}/pullrequests pullrequests.list",
      "GET /repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/comments pullrequests.listComments",
      "GET /pullrequests/{selected_user} pullrequests.listForSelectedUser",
      "POST /repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/merge pullrequests.merge",
      "GET /repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id} pullrequests.retrieve",
      "POST /repositories/{workspace}/{repo_slug} repositories.create",
      "DELETE /repositories/{workspace}/{repo_slug} repositories.delete",
      "GET /repositories repositories.list",
      "GET /repositories/{workspace} repositories.listForWorkspace",
      "GET /repositories/{workspace}/{repo_slug} repositories.retrieve",
      "GET /repositories/{workspace}/{repo_slug}/hooks/{uid} repositories.retrieveHook",
      "PUT /repositories/{workspace}/{repo_slug} repositories.update",
    ]);
  });

  it("keeps a path-echo operationId as written unless methodNames is auto", () => {
    expect(names("operationId")).toContain("GET /repositories/{workspace}/{repo_slug}/hooks/{uid} repositories.getRepositoriesWorkspaceRepoSlugHooksUid");
    expect(names()).toContain("GET /repositories/{workspace}/{repo_slug}/hooks/{uid} repositories.getRepositoriesWorkspaceRepoSlugHooksUid");
    // Missing operationIds are named from the resource in every mode.
    expect(names("operationId")).toContain("GET /repositories/{workspace} repositories.listForWorkspace");
  });
});

describe("default headers", () => {
  it("a required header param the runtime always sends becomes optional", () => {
    const o = op({ parameters: [idParam, { name: "notion-version", in: "header", required: true, schema: { type: "string" } }] }, { defaultHeaders: { "Notion-Version": "2022-06-28" } });
    expect(o.params[1]).toMatchObject({ property: "notion-version", required: false });
    expect(op({ parameters: [idParam, { name: "notion-version", in: "header", required: true, schema: { type: "string" } }] }).params[1]!.required).toBe(true);
  });
});

describe("path parameters whose empty value is a request of its own", () => {
  const doc = (paths: Record<string, unknown>) => ({ openapi: "3.0.3", info: { title: "t", version: "1" }, paths });
  const get = (name: string, schema: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ get: { operationId: `t/${name}`, parameters: [{ name, in: "path", required: true, schema, ...extra }], responses: { "200": { description: "ok" } } } });
  const cases: [string, { paths: Record<string, unknown>; want: boolean }][] = [
    ["multi-segment, last, nothing at the parent", { paths: { "/contents/{path}": get("path", { type: "string" }, { "x-multi-segment": true }) }, want: true }],
    ["minLength 0 said", { paths: { "/files/{name}": get("name", { type: "string", minLength: 0 }) }, want: true }],
    ["enum holding \"\"", { paths: { "/files/{name}": get("name", { type: "string", enum: ["", "a"] }) }, want: true }],
    ["a plain string: the document does not say", { paths: { "/repos/{repo}": get("repo", { type: "string" }) }, want: false }],
    ["minLength 1", { paths: { "/contents/{path}": get("path", { type: "string", minLength: 1 }, { "x-multi-segment": true }) }, want: false }],
    ["another path sits at the parent (the branch listing)", { paths: { "/branches": { get: { operationId: "t/list", responses: { "200": { description: "ok" } } } }, "/branches/{branch}": get("branch", { type: "string" }, { "x-multi-segment": true }) }, want: false }],
    ["not the last segment", { paths: { "/contents/{path}/meta": get("path", { type: "string" }, { "x-multi-segment": true }) }, want: false }],
    ["a number", { paths: { "/items/{id}": get("id", { type: "integer", minLength: 0 }) }, want: false }],
  ];
  it.each(cases)("%s", (_name, { paths, want }) => {
    const model = buildModel({ doc: doc(paths), source: "inline.yaml", sha256: "0", version: "3.0" }, { providerId: "t", namespaceBy: "operationId-prefix" });
    const ops = model.namespaces.flatMap((n) => n.operations).filter((o) => o.params.length);
    expect(ops.map((o) => o.params[0]!.allowEmpty === true)).toEqual([want]);
  });
});

// A catalog entry's own `include` (Microsoft Graph's) defines the client: only the schemas its
// operations reach are modelled, and only its operations are named in names.lock.json.
describe("catalogInclude", () => {
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  const doc = {
    openapi: "3.0.3",
    info: { title: "t", version: "1" },
    paths: {
      "/users": { get: { operationId: "users/list", tags: ["users"], responses: { 200: json({ type: "array", items: ref("User") }) } } },
      "/groups": { get: { operationId: "groups/list", tags: ["groups"], responses: { 200: json(ref("Group")) } } },
    },
    components: { schemas: { User: { type: "object", properties: { address: ref("Address") } }, Address: { type: "object" }, Group: { type: "object" }, Unused: { type: "object" } } },
  };
  const build = (options: Partial<ModelOptions>) => buildModel({ doc, source: "inline.yaml", sha256: "0", version: "3.0" }, { providerId: "t", namespaceBy: "tag", ...options });

  it.each<[string, Partial<ModelOptions>, { ops: string[]; schemas: string[]; names: string[] }]>([
    ["no filter: everything", {}, { ops: ["groups.list", "users.list"], schemas: ["User", "Address", "Group", "Unused"], names: ["groups/list", "users/list"] }],
    ["--include alone keeps every schema and name", { include: ["users"] }, { ops: ["users.list"], schemas: ["User", "Address", "Group", "Unused"], names: ["groups/list", "users/list"] }],
    ["the catalog filter keeps what its operations reach", { catalogInclude: ["users"] }, { ops: ["users.list"], schemas: ["User", "Address"], names: ["users/list"] }],
    ["--include narrows the catalog filter", { catalogInclude: ["users", "groups"], include: ["groups"] }, { ops: ["groups.list"], schemas: ["Group"], names: ["groups/list", "users/list"] }],
  ])("%s", (_what, options, want) => {
    const model = build(options);
    expect(model.namespaces.flatMap((ns) => ns.operations.map((o) => `${ns.name}.${o.name}`)).sort()).toEqual(want.ops);
    expect([...model.schemas.keys()]).toEqual(want.schemas);
    expect(model.operationNames.map((n) => n.key).sort()).toEqual(want.names);
  });
});
