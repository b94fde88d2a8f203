// Durability: a vault process killed (SIGKILL) in the middle of load keeps every audit row and
// grant it acknowledged; after a restart nothing signed before it can be replayed.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagedSecret, initVault, issueGrant, listGrants, readAudit } from "../support/vault-admin.js";
import { send, sign, tempDir, verifyResponse, type SignedRequest } from "./helpers.js";
import { engineEnv, onPostgres } from "../support/vault-engine.js";

const ROOT = join(import.meta.dirname, "../..");

function startChild(dataDir: string, port = 0): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "cli/entry.ts"), "vault", "start", "--data", dataDir, "--port", String(port)], {
    cwd: ROOT,
    env: { ...process.env, ...engineEnv(dataDir) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    child.once("exit", (code) => reject(new Error(`vault exited early (${code}): ${err}`)));
  });
}

let tmp: ReturnType<typeof tempDir>;
let dataDir: string;
let apiKey: string;
let secretId: string;
let grantId: string;

beforeAll(async () => {
  tmp = tempDir();
  dataDir = join(tmp.dir, "data");
  apiKey = (await initVault({ dataDir, env: {} })).apiKey;
  secretId = (await addManagedSecret({ dataDir, provider: "github", value: "ghp_restart_CANARY" })).id;
  grantId = (await issueGrant({ dataDir, secretId, principal: "system" })).grantId;
});
afterAll(() => tmp.remove());

describe("a vault killed mid-load", () => {
  it("keeps every acknowledged audit row and grant, and refuses pre-restart requests after it", async () => {
    const { child, url } = await startChild(dataDir);
    await new Promise((r) => setTimeout(r, 1100));
    const ackedAudit: string[] = [];
    const ackedGrants: string[] = [];
    let acknowledgedRequest: SignedRequest | undefined;
    let killed = false;
    let errors = 0;

    const worker = async (n: number) => {
      for (let i = 0; !killed; i++) {
        try {
          if ((n + i) % 4 === 0) {
            const req = sign(apiKey, { method: "POST", url: url + "/v1/grants", body: { managedSecretId: secretId, principal: { type: "system", label: `w${n}-${i}` } } });
            const res = await send(req);
            if (res.status === 201) {
              verifyResponse(apiKey, req, res);
              ackedGrants.push(res.json.grant.grantId);
            }
          } else {
            const req = sign(apiKey, {
              method: "POST",
              url: url + "/v1/credentials/retrieve",
              body: { grant: { grantId }, provider: "github", request: { method: "GET", url: "https://api.github.com/user" }, context: { runId: `w${n}-${i}` } },
            });
            const res = await send(req);
            if (res.status === 200) {
              verifyResponse(apiKey, req, res);
              ackedAudit.push(res.json.auditId);
              acknowledgedRequest ??= req;
            }
          }
        } catch {
          errors++;
          if (killed) return;
        }
      }
    };
    const workers = Array.from({ length: 16 }, (_, n) => worker(n));
    // Kill once a good amount of work has been acknowledged.
    while (ackedAudit.length < 300) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGKILL");
    killed = true;
    await new Promise((r) => child.once("exit", r));
    await Promise.all(workers);

    expect(ackedAudit.length).toBeGreaterThanOrEqual(300);
    expect(ackedGrants.length).toBeGreaterThan(0);
    const rows = await readAudit({ dataDir });
    const ids = new Set(rows.map((r) => r.id));
    const missing = ackedAudit.filter((id) => !ids.has(id));
    expect(missing).toEqual([]);
    const grants = new Set((await listGrants({ dataDir })).map((g) => g.grantId));
    expect(ackedGrants.filter((id) => !grants.has(id))).toEqual([]);

    // Restart: a request acknowledged before the kill cannot be replayed, a fresh one works.
    const again = await startChild(dataDir, Number(new URL(url).port));
    expect(again.url).toBe(url);
    try {
      // The very same bytes, still inside their signature window.
      const replay = await send(acknowledgedRequest!);
      expect(replay.status).toBe(401);
      expect(replay.json.error.code).toBe("signature_replayed");
      const created = Number(/created=(\d+)/.exec(acknowledgedRequest!.headers["signature-input"]!)![1]);
      const old = sign(apiKey, { method: "POST", url: again.url + "/v1/grants", body: { managedSecretId: secretId, principal: { type: "system" } }, created, expires: created + 60 });
      const refused = await send(old);
      // A new nonce signed before the restart: SQLite refuses it (its nonces lived in the killed
      // process); PostgreSQL's nonces outlive processes, so it has no such rule and serves it.
      if (onPostgres()) expect(refused.status).toBe(201);
      else expect(refused.json.error.code).toBe("signature_replayed");
      const fresh = await send(sign(apiKey, { method: "GET", url: again.url + "/v1/grants" }));
      expect(fresh.status).toBe(200);
    } finally {
      again.child.kill("SIGTERM");
      await new Promise((r) => again.child.once("exit", r));
    }
  }, 120_000);
});
