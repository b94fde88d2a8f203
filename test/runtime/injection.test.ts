// Each injection kind end to end: the vault says how (its provider settings), the runtime injects,
// and the stand-in checks the credential arrived exactly there (catalog entry changed to match).
import { afterAll, describe, expect, it } from "vitest";
import { AlterVault, bindOperations } from "../../runtime/index.js";
import type { OperationTable } from "../../runtime/index.js";
import { addManagedSecret, issueGrant } from "../../vault/index.js";
import { startPeers, type Peers } from "./support/peers.js";

const ops = {
  get: { id: "repos/get", method: "GET", path: "/repos/{owner}/{repo}", params: { owner: "path", repo: "path" } },
} as const satisfies OperationTable;
type Client = Record<keyof typeof ops, any>;

const started: Peers[] = [];
afterAll(async () => {
  for (const p of started) await p.close();
});

async function callWith(peers: Peers, grantId: string) {
  await using vault = new AlterVault({ apiKey: peers.apiKey, baseUrl: peers.vault.url, retry: false });
  const github = bindOperations<Client>(vault, peers.provider, ops);
  const before = peers.standin.requests.length;
  const repo = await github.get(grantId, { owner: "o", repo: "r" });
  expect(typeof repo.id).toBe("number");
  const [req] = peers.standin.requests.slice(before);
  expect(req!.problems).toEqual([]);
  return req!;
}

describe("injection kinds", () => {
  it("header with a prefix", async () => {
    const peers = await startPeers("github", { catalog: { injection: { type: "header", name: "X-Api-Key", prefix: "Key " }, credentialParams: [{ in: "header", name: "X-Api-Key" }] } });
    started.push(peers);
    const req = await callWith(peers, await peers.grant("hdr_token_0123456789"));
    expect(req.headers["x-api-key"]).toBe("Key hdr_token_0123456789");
    expect(req.headers.authorization).toBeUndefined();
  });

  it("query parameter", async () => {
    const peers = await startPeers("github", { catalog: { injection: { type: "query", name: "api_key" }, credentialParams: [{ in: "query", name: "api_key" }] } });
    started.push(peers);
    const req = await callWith(peers, await peers.grant("qry+token/01234=="));
    expect(req.query.api_key).toBe("qry+token/01234==");
    expect(req.headers.authorization).toBeUndefined();
  });

  it("basic, from a username:password managed secret", async () => {
    const peers = await startPeers("github", { catalog: { injection: { type: "basic" } } });
    started.push(peers);
    peers.standin.expectCredential({ username: "svc-user", password: "p:ss w0rd" });
    const secret = await addManagedSecret({ dataDir: peers.dataDir, provider: "github", type: "basic", value: "svc-user:p:ss w0rd" });
    const grant = await issueGrant({ dataDir: peers.dataDir, secretId: secret.id, principal: "system" });
    const req = await callWith(peers, grant.grantId);
    expect(req.headers.authorization).toBe("Basic " + Buffer.from("svc-user:p:ss w0rd").toString("base64"));
  });
});
