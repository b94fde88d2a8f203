// Proxy mode and approvals against the real vault, the GitHub stand-in and, for the person who
// approves, headless Chromium on the vault's approval page.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AlterVault,
  ApprovalDeniedError,
  ApprovalRequiredError,
  ApprovalTimeoutError,
  ProviderAPIError,
  bindOperations,
} from "../../runtime/index.js";
import type { OperationTable } from "../../runtime/index.js";
import { serverError } from "../../standins/index.js";
import { launchBrowser, type TestBrowser } from "../support/browser.js";
import { approverLink } from "../../vault/index.js";
import { startPeers, type Peers } from "./support/peers.js";

const ops = {
  get: { id: "repos/get", method: "GET", path: "/repos/{owner}/{repo}", params: { owner: "path", repo: "path" } },
  createIssue: {
    id: "issues/create",
    method: "POST",
    path: "/repos/{owner}/{repo}/issues",
    params: { owner: "path", repo: "path" },
    body: { kind: "json", mediaType: "application/json", required: true },
  },
} as const satisfies OperationTable;
type Client = Record<keyof typeof ops, any>;

let peers: Peers;
let vault: AlterVault;
let github: Client;
let grantId: string;
let gatedGrant: string;
let browser: TestBrowser | undefined;

beforeAll(async () => {
  peers = await startPeers("github");
  grantId = await peers.grant("ghp_proxyModeToken001");
  gatedGrant = await peers.grant("ghp_gatedByApproval01", { policy: { requireApproval: true } });
  vault = new AlterVault({ apiKey: peers.apiKey, baseUrl: peers.vault.url, retry: false });
  github = bindOperations<Client>(vault, peers.provider, ops, { mode: "proxy" });
});

afterAll(async () => {
  await browser?.close();
  await vault?.close();
  await peers?.close();
});

describe("proxy mode", () => {
  it("returns the same typed data; the vault injected the credential", async () => {
    const before = peers.standin.requests.length;
    const r = await github.get.withResponse(grantId, { owner: "nodejs", repo: "node" });
    expect(r.status).toBe(200);
    expect(typeof r.data.id).toBe("number");
    expect(r.requestId).toBe(r.headers["x-github-request-id"]);
    const seen = peers.standin.requests.slice(before);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers.authorization).toBe("Bearer ghp_proxyModeToken001");
    expect(seen[0]!.problems).toEqual([]);
  });

  it("carries a JSON body through the vault unchanged", async () => {
    const before = peers.standin.requests.length;
    await github.createIssue(grantId, { owner: "o", repo: "r", body: { title: "Über-bug ✓", labels: ["bug"] } });
    const [req] = peers.standin.requests.slice(before);
    expect(req!.body).toEqual({ title: "Über-bug ✓", labels: ["bug"] });
    expect(req!.problems).toEqual([]);
  });

  it("a provider error through the proxy is the same ProviderAPIError", async () => {
    peers.standin.script("repos/get", serverError(404, { message: "Not Found", documentation_url: "https://docs.github.com" }));
    const err = await github.get(grantId, { owner: "o", repo: "gone" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderAPIError);
    expect((err as ProviderAPIError).status).toBe(404);
    expect((err as ProviderAPIError<{ message: string }>).body.message).toBe("Not Found");
    expect(github.get.isError(err)).toBe(true);
  });
});

/** A person opens the approver link an operator printed (`vault approvals link`) and decides. */
async function decide(approvalId: string, decision: "approve" | "deny"): Promise<void> {
  browser ??= await launchBrowser();
  const page = await browser.newPage();
  try {
    await page.goto(await approverLink({ dataDir: peers.dataDir, approvalId }));
    await page.fill("#approver", "Runtime Test Approver");
    await page.click(`button#${decision}`);
    await page.waitForSelector("p.status");
  } finally {
    await page.close();
  }
}

describe("approvals", () => {
  it("a gated grant raises ApprovalRequiredError; once a person approves, awaitApproval returns the typed result", async () => {
    const before = peers.standin.requests.length;
    const err = await github.get(gatedGrant, { owner: "o", repo: "r" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApprovalRequiredError);
    const { approvalId, approvalUrl } = err as ApprovalRequiredError;
    expect(approvalUrl).toContain(peers.vault.url);
    expect(peers.standin.requests.length).toBe(before); // nothing ran yet

    const waiting = vault.awaitApproval<{ id: number; full_name: string }>(approvalId, { timeoutMs: 30_000, pollIntervalMs: 100 });
    await decide(approvalId, "approve");
    const repo = await waiting;
    expect(typeof repo.id).toBe("number");
    const ran = peers.standin.requests.slice(before);
    expect(ran).toHaveLength(1);
    expect(ran[0]!.headers.authorization).toBe("Bearer ghp_gatedByApproval01");
  });

  it("denied: ApprovalDeniedError, and the call never runs", async () => {
    const err = (await github.createIssue(gatedGrant, { owner: "o", repo: "r", body: { title: "needs a yes" } }).catch((e: unknown) => e)) as ApprovalRequiredError;
    expect(err).toBeInstanceOf(ApprovalRequiredError);
    const before = peers.standin.requests.length;
    const waiting = vault.awaitApproval(err.approvalId, { timeoutMs: 30_000, pollIntervalMs: 100 }).catch((e: unknown) => e);
    await decide(err.approvalId, "deny");
    expect(await waiting).toBeInstanceOf(ApprovalDeniedError);
    expect(peers.standin.requests.length).toBe(before);
  });

  it("nobody decides: ApprovalTimeoutError after timeoutMs", async () => {
    const err = (await github.get(gatedGrant, { owner: "o", repo: "r" }).catch((e: unknown) => e)) as ApprovalRequiredError;
    const out = await vault.awaitApproval(err.approvalId, { timeoutMs: 300, pollIntervalMs: 50 }).catch((e: unknown) => e);
    expect(out).toBeInstanceOf(ApprovalTimeoutError);
    expect((out as ApprovalTimeoutError).approvalId).toBe(err.approvalId);
  });

  it("a gated grant gives no credential in retrieve mode", async () => {
    const retrieve = bindOperations<Client>(vault, peers.provider, ops);
    const before = peers.standin.requests.length;
    await expect(retrieve.get(gatedGrant, { owner: "o", repo: "r" })).rejects.toThrow();
    expect(peers.standin.requests.length).toBe(before);
  });
});
