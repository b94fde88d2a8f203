// A real vault process killed (SIGKILL) under load, then its WAL truncated, as a damaged disk or
// a careless restore would: the acknowledged rows that were only in the WAL are gone. The signed
// checkpoint beside the database still names them, so `vault audit verify` reports the loss,
// `vault start` refuses to serve, and `--accept-audit-damage` serves again with new rows numbered
// after every row ever attested.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, rmSync, statSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagedSecret, initVault, issueGrant, readAudit, verifyAudit } from "../../vault/index.js";
import { send, sign, tempDir } from "./helpers.js";

const ROOT = join(import.meta.dirname, "../..");

function vaultCli(args: string[]): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", join(ROOT, "cli/entry.ts"), "vault", ...args], {
    cwd: ROOT,
    env: { ...process.env, ALTER_VAULT_MASTER_KEY: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Starts `vault start`; resolves with its URL, or with its exit code and output when it refuses. */
function start(dataDir: string, extra: string[] = []): Promise<{ child: ChildProcess; url?: string; code?: number | null; stderr: string }> {
  const child = vaultCli(["start", "--data", dataDir, "--port", "0", ...extra]);
  let out = "";
  let stderr = "";
  return new Promise((resolve) => {
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, stderr });
    });
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("exit", (code) => resolve({ child, code, stderr }));
  });
}

function run(args: string[]): Promise<{ code: number | null; stdout: string }> {
  const child = vaultCli(args);
  let stdout = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout })));
}

let tmp: ReturnType<typeof tempDir>;
let dataDir: string;
let apiKey: string;
let grantId: string;

beforeAll(async () => {
  tmp = tempDir();
  dataDir = join(tmp.dir, "data");
  apiKey = (await initVault({ dataDir, env: {} })).apiKey;
  const secretId = (await addManagedSecret({ dataDir, provider: "github", value: "ghp_crash_CANARY" })).id;
  grantId = (await issueGrant({ dataDir, secretId, principal: "system" })).grantId;
});
afterAll(() => tmp.remove());

describe("kill -9 under load, then a truncated WAL", () => {
  it("is detected by verify and by start-up; an accepted override keeps seq numbers unique", async () => {
    const first = await start(dataDir);
    expect(first.url).toBeDefined();
    const url = first.url!;
    await new Promise((r) => setTimeout(r, 1100));
    const acked: string[] = [];
    let killed = false;
    const worker = async (n: number) => {
      for (let i = 0; !killed; i++) {
        try {
          const req = sign(apiKey, {
            method: "POST",
            url: url + "/v1/credentials/retrieve",
            body: { grant: { grantId }, provider: "github", request: { method: "GET", url: "https://api.github.com/user" }, context: { runId: `w${n}-${i}` } },
          });
          const res = await send(req);
          if (res.status === 200) acked.push(res.json.auditId);
        } catch {
          if (killed) return;
        }
      }
    };
    const workers = Array.from({ length: 12 }, (_, n) => worker(n));
    while (acked.length < 300) await new Promise((r) => setTimeout(r, 20));
    first.child.kill("SIGKILL");
    killed = true;
    await new Promise((r) => first.child.once("exit", r));
    await Promise.all(workers);

    // The WAL held the newest acknowledged rows; it is cut off (and its index file goes with it).
    const wal = join(dataDir, "vault.db-wal");
    expect(statSync(wal).size).toBeGreaterThan(0);
    truncateSync(wal, 0);
    if (existsSync(join(dataDir, "vault.db-shm"))) rmSync(join(dataDir, "vault.db-shm"));

    const kept = new Set((await readAudit({ dataDir })).map((r) => r.id));
    expect(acked.filter((id) => !kept.has(id)).length).toBeGreaterThan(0);

    const report = await verifyAudit({ dataDir });
    expect(report.firstBroken).toMatchObject({ kind: "checkpoint_ahead", seq: report.head.seq + 1 });
    const attested = report.checkpoint!.seq;
    expect(attested).toBeGreaterThan(report.head.seq);
    const cli = await run(["audit", "verify", "--data", dataDir]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain(`BROKEN: first broken link at row ${report.head.seq + 1}`);

    const refused = await start(dataDir);
    expect(refused.url).toBeUndefined();
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/audit log .* is damaged: rows? \d+(-\d+)? (is|are) missing/);

    const accepted = await start(dataDir, ["--accept-audit-damage"]);
    expect(accepted.url).toBeDefined();
    try {
      await new Promise((r) => setTimeout(r, 1100));
      const res = await send(sign(apiKey, { method: "POST", url: accepted.url + "/v1/credentials/retrieve", body: { grant: { grantId }, provider: "github", request: { method: "GET", url: "https://api.github.com/user" } } }));
      expect(res.status).toBe(200);
    } finally {
      accepted.child.kill("SIGTERM");
      await new Promise((r) => accepted.child.once("exit", r));
    }
    const rows = await readAudit({ dataDir, order: "newest-first", limit: 2 });
    expect(rows.map((r) => r.action)).toEqual(["credential.retrieve", "audit.override"]);
    // The lost rows' numbers are never given out again.
    expect(rows[1]!.seq).toBe(attested + 1);
    expect(rows[0]!.seq).toBe(attested + 2);
    expect((await verifyAudit({ dataDir })).firstBroken).toBeNull();
  }, 120_000);
});
