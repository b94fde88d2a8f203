// The IP allowlist behind a reverse proxy (`vault start --trusted-proxy`): a real proxy on
// 127.0.0.1 appends the address it received each request from to X-Forwarded-For, as nginx's
// $proxy_add_x_forwarded_for does. Clients connect from other loopback addresses (127.0.0.2 is
// the attacker, 127.0.0.3 the allowed client), through the proxy or straight to the vault.
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagedSecret, initVault, issueGrant, readAudit, startVault, type RunningVault } from "../../support/vault-admin.js";
import { send, sign, tempDir } from "../helpers.js";

const ALLOWED = "127.0.0.3";
const ATTACKER = "127.0.0.2";
let tmp: ReturnType<typeof tempDir>;
let proxy: Server;
let proxyUrl: string;
const agents = new Map<string, Agent>();
const vaults: { name: string; running: RunningVault; dataDir: string; apiKey: string; grantId: string }[] = [];

/** A reverse proxy to `upstream` that appends the peer's address to X-Forwarded-For. */
function startProxy(upstreamPort: () => number): Promise<Server> {
  const server = createServer((req, res) => {
    const seen = req.headers["x-forwarded-for"];
    const headers: IncomingHttpHeaders = { ...req.headers, "x-forwarded-for": [seen, req.socket.remoteAddress].filter(Boolean).join(", ") };
    const up = httpRequest({ host: "127.0.0.1", port: upstreamPort(), method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    up.on("error", () => res.writeHead(502).end());
    req.pipe(up);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

let upstream = 0;
beforeAll(async () => {
  tmp = tempDir();
  for (const [name, trustedProxies] of [["trusting", ["127.0.0.1/32"]], ["default", []]] as const) {
    const dataDir = `${tmp.dir}/${name}`;
    const { apiKey } = await initVault({ dataDir, env: {} });
    const secret = await addManagedSecret({ dataDir, provider: "github", value: "ghp_proxy_CANARY" });
    const grant = await issueGrant({ dataDir, secretId: secret.id, principal: "system", policy: { ipAllowlist: [`${ALLOWED}/32`] } });
    const running = await startVault({ dataDir, port: 0, trustedProxies: [...trustedProxies], log: () => {} });
    vaults.push({ name, running, dataDir, apiKey, grantId: grant.grantId });
  }
  proxy = await startProxy(() => upstream);
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  for (const from of [ALLOWED, ATTACKER]) agents.set(from, new Agent({ localAddress: from }));
}, 30_000);
afterAll(async () => {
  await Promise.all([...agents.values()].map((a) => a.close()));
  await new Promise((r) => proxy.close(r));
  await Promise.all(vaults.map((v) => v.running.close()));
  tmp.remove();
});

/** A retrieval of the allowlisted grant from `from`, via the proxy or not, with extra headers. */
let calls = 0;
async function retrieve(vaultName: string, from: string, via: "proxy" | "direct", spoofed: Record<string, string> = {}) {
  const runId = `run-${++calls}`;
  const v = vaults.find((x) => x.name === vaultName)!;
  upstream = v.running.port;
  const base = via === "proxy" ? proxyUrl : v.running.url;
  const r = sign(v.apiKey, {
    method: "POST",
    url: base + "/v1/credentials/retrieve",
    body: { grant: { grantId: v.grantId }, provider: "github", request: { method: "GET", url: "https://api.github.com/user" }, context: { runId } },
  });
  const res = await send(r, { headers: { ...r.headers, ...spoofed }, dispatcher: agents.get(from)! });
  // Denials are audited just after the answer: wait for this call's row.
  let row;
  for (let i = 0; i < 50 && !row; i++) {
    row = (await readAudit({ dataDir: v.dataDir, grantId: v.grantId })).find((a) => a.runId === runId);
    if (!row) await new Promise((r) => setTimeout(r, 20));
  }
  return { status: res.status, code: res.json?.error?.code as string | undefined, auditAddress: row?.remoteAddress };
}

describe("IP allowlist behind a trusted proxy", () => {
  const cases: [name: string, vault: string, from: string, via: "proxy" | "direct", spoofed: Record<string, string>, status: number, address: string][] = [
    ["the allowed client through the trusted proxy", "trusting", ALLOWED, "proxy", {}, 200, ALLOWED],
    ["an attacker through the proxy, spoofing X-Forwarded-For", "trusting", ATTACKER, "proxy", { "x-forwarded-for": ALLOWED }, 403, ATTACKER],
    ["an attacker through the proxy, spoofing Forwarded", "trusting", ATTACKER, "proxy", { forwarded: `for=${ALLOWED}` }, 403, "unknown"],
    ["an attacker straight to the vault, spoofing both headers", "trusting", ATTACKER, "direct", { "x-forwarded-for": ALLOWED, forwarded: `for=${ALLOWED}` }, 403, ATTACKER],
    ["the allowed client straight to the vault", "trusting", ALLOWED, "direct", {}, 200, ALLOWED],
    ["no trusted proxy: the proxy's own address is the caller", "default", ALLOWED, "proxy", {}, 403, "127.0.0.1"],
    ["no trusted proxy: a spoofed header from the allowed range is ignored", "default", ATTACKER, "direct", { "x-forwarded-for": ALLOWED }, 403, ATTACKER],
  ];
  it.each(cases)("%s", async (_name, vault, from, via, spoofed, status, address) => {
    const r = await retrieve(vault, from, via, spoofed);
    expect(r.status).toBe(status);
    if (status === 403) expect(r.code).toBe("policy_violation");
    expect(r.auditAddress).toBe(address);
  });

  it("a trusted proxy that is not a CIDR is refused at start, naming the flag", async () => {
    await expect(startVault({ dataDir: vaults[0]!.dataDir, port: 0, trustedProxies: ["10.0.0.0/99"] })).rejects.toThrow(/--trusted-proxy: "10\.0\.0\.0\/99" has an invalid prefix length/);
  });
});
