// An operation whose only success answer is a redirect (GitHub's archive downloads, Jira's 303 to
// a task) is typed from what the redirect leads to, since the runtime follows it: the 3xx's
// documented content, else bytes. A 2xx answer, when there is one, still wins.
import { describe, expect, it } from "vitest";
import type { OperationModel } from "../../generator/model/api.js";
import { buildModel } from "../../generator/model/build.js";

function op(responses: Record<string, unknown>): OperationModel {
  const doc = { openapi: "3.0.3", info: { title: "t", version: "1" }, paths: { "/things/{id}": { get: { operationId: "things/get", parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }], responses } } } };
  const model = buildModel({ doc, source: "inline.yaml", sha256: "0", version: "3.0" }, { providerId: "t", namespaceBy: "operationId-prefix" });
  return model.namespaces[0]!.operations[0]!;
}

const location = { Location: { schema: { type: "string" } } };

describe("a redirect-only operation's response", () => {
  it.each([
    ["a 302 with no content (GitHub's tarball) is bytes", { "302": { description: "Response", headers: location } }, "binary", ["302"]],
    ["a 301 with no content is bytes", { "301": { description: "moved" }, "404": { description: "x" } }, "binary", ["301"]],
    ["a 303 that documents JSON (Jira's task) is typed from it", { "303": { description: "task", content: { "application/json": { schema: { type: "object", properties: { id: { type: "string" } } } } } } }, "json", ["303"]],
    ["a 2xx wins over a redirect", { "200": { description: "ok", content: { "application/json": { schema: { type: "object" } } } }, "302": { description: "r" } }, "json", ["200"]],
    ["a 304 is not a redirect to follow", { "304": { description: "not modified" } }, "empty", []],
  ] as const)("%s", (_name, responses, kind, statuses) => {
    const m = op(responses);
    expect(m.responseKind).toBe(kind);
    expect(m.success.map((v) => v.status)).toEqual(statuses);
  });
});
