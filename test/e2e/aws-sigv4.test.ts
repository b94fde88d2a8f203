// The AWS stand-in of examples/system-principal-sandbox checks SigV4 signatures with its own
// implementation. Here it is held to AWS's published test suite (so it cannot simply accept
// anything), and then the runtime's signer goes through it end to end: a managed AWS access key
// in the vault, the request signed in the runtime, the signature verified by the stand-in; a key
// whose secret differs is refused.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlterVault, bindOperations, ProviderAPIError, type Method, type OperationTable } from "alter-gen/runtime";
import { startSandbox, type Sandbox } from "../../examples/sandbox.js";
import { startDynamoStandin, verifySigV4, type AwsStandin } from "../../examples/system-principal-sandbox/aws-standin.js";

// docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html: the documented example key,
// region us-east-1, service "service", 2015-08-30T12:36:00Z.
const SUITE_KEY = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const SUITE_NOW = Date.UTC(2015, 7, 30, 12, 36, 0);
const SUITE_SCOPE = { region: "us-east-1", service: "service" };
const auth = (signed: string, sig: string) => `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=${signed}, Signature=${sig}`;
function suiteRequest(method: string, path: string, signature: string, extra: { headers?: Record<string, string>; body?: string; signed?: string } = {}) {
  return {
    method,
    url: new URL(path, "https://example.amazonaws.com"),
    headers: { host: "example.amazonaws.com", "x-amz-date": "20150830T123600Z", ...extra.headers, authorization: auth(extra.signed ?? "host;x-amz-date", signature) },
    body: Buffer.from(extra.body ?? ""),
  };
}
const GET_VANILLA = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
const QUERY_ORDER = "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500";
const FORM = "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a";
const formHeaders = { headers: { "content-type": "application/x-www-form-urlencoded" }, body: "Param1=value1", signed: "content-type;host;x-amz-date" };

describe("the stand-in's SigV4 check against AWS's test suite", () => {
  it("accepts the suite's signed requests", () => {
    expect(verifySigV4(suiteRequest("GET", "/", GET_VANILLA), SUITE_KEY, SUITE_SCOPE, SUITE_NOW)).toBeUndefined();
    expect(verifySigV4(suiteRequest("GET", "/?Param2=value2&Param1=value1", QUERY_ORDER), SUITE_KEY, SUITE_SCOPE, SUITE_NOW)).toBeUndefined();
    expect(verifySigV4(suiteRequest("POST", "/", FORM, formHeaders), SUITE_KEY, SUITE_SCOPE, SUITE_NOW)).toBeUndefined();
  });

  it.each([
    ["another secret", suiteRequest("GET", "/", GET_VANILLA), { ...SUITE_KEY, secretAccessKey: "not-the-secret" }, SUITE_NOW, /signature does not match/],
    ["a changed query", suiteRequest("GET", "/?Param2=value2&Param1=value9", QUERY_ORDER), SUITE_KEY, SUITE_NOW, /signature does not match/],
    ["a changed body", suiteRequest("POST", "/", FORM, { ...formHeaders, body: "Param1=value2" }), SUITE_KEY, SUITE_NOW, /signature does not match/],
    ["a stale date", suiteRequest("GET", "/", GET_VANILLA), SUITE_KEY, SUITE_NOW + 10 * 60_000, /more than 5 minutes/],
    ["an unsigned host", suiteRequest("GET", "/", GET_VANILLA, { signed: "x-amz-date" }), SUITE_KEY, SUITE_NOW, /host is not among the signed headers/],
    ["another key id", suiteRequest("GET", "/", GET_VANILLA), { ...SUITE_KEY, accessKeyId: "AKIDOTHER" }, SUITE_NOW, /unknown access key id/],
  ] as const)("refuses %s", (_name, req, key, now, why) => {
    expect(verifySigV4(req, key, SUITE_SCOPE, now)).toMatch(why);
  });
});

const KEY = { accessKeyId: "AKIAE2ESIGV4TEST0001", secretAccessKey: "e2eSecretAccessKeyCANARY/abc+def0123456789" };
const ops = {
  listTables: { id: "ListTables", method: "POST", path: "/", params: { target: { in: "header", name: "X-Amz-Target" } }, body: { kind: "json", mediaType: "application/x-amz-json-1.0", required: true } },
} as const satisfies OperationTable;
type Dynamo = { listTables: Method<{ target: string; body: { Limit?: number } }, { TableNames: string[] }> };

let sandbox: Sandbox;
let aws: AwsStandin;
let vault: AlterVault;
let dynamo: Dynamo;

beforeAll(async () => {
  sandbox = await startSandbox();
  aws = await startDynamoStandin(KEY, ["orders", "users"]);
  await sandbox.customProvider("aws-dynamodb", aws.url, { type: "aws-sigv4", region: "us-east-1", service: "dynamodb" });
  vault = new AlterVault({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, caller: "e2e-aws", retry: false });
  dynamo = bindOperations<Dynamo>(vault, { id: "aws-dynamodb", name: "DynamoDB", baseUrl: aws.url }, ops);
}, 60_000);

afterAll(async () => {
  await vault?.close();
  await aws?.close();
  await sandbox?.close();
});

describe("SigV4 from a managed AWS key, end to end", () => {
  it("the runtime's signature verifies at the stand-in; the call returns its answer", async () => {
    const grant = await sandbox.managedGrant("aws-dynamodb", KEY, { type: "aws", label: "e2e-iam" });
    const out = await dynamo.listTables(grant, { target: "DynamoDB_20120810.ListTables", body: { Limit: 1 } }, { reason: "inventory" });
    expect(out).toEqual({ TableNames: ["orders"] });
    expect(aws.log.at(-1)).toMatch(/SigV4 valid \(key AKIAE2ESIGV4TEST0001/);
    const row = (await sandbox.audit()).filter((r) => r.action === "credential.retrieve").at(-1);
    expect(row).toMatchObject({ grantId: grant, provider: "aws-dynamodb", operationId: "ListTables", method: "POST", reason: "inventory", outcome: "success" });
  });

  it("a managed key with the wrong secret is refused by the stand-in (403)", async () => {
    const grant = await sandbox.managedGrant("aws-dynamodb", { ...KEY, secretAccessKey: "wrongSecretCANARY/0000000000000000000000" }, { type: "aws", label: "e2e-wrong" });
    const err = await dynamo.listTables(grant, { target: "DynamoDB_20120810.ListTables", body: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderAPIError);
    expect((err as ProviderAPIError).status).toBe(403);
    expect(aws.log.at(-1)).toMatch(/signature does not match/);
    for (const text of [String(err), (err as Error).stack ?? "", JSON.stringify(err)]) expect(text).not.toContain("wrongSecretCANARY");
  });

  it("the secret access keys are nowhere in the audit log or the data folder", async () => {
    const texts = [JSON.stringify(await sandbox.audit())];
    for (const name of await readdir(sandbox.dataDir, { recursive: true })) {
      const bytes = await readFile(join(sandbox.dataDir, name)).catch(() => undefined);
      if (bytes) texts.push(bytes.toString("latin1"));
    }
    for (const t of texts) {
      expect(t).not.toContain(KEY.secretAccessKey);
      expect(t).not.toContain("wrongSecretCANARY");
    }
  });
});
