// Two vault processes on one data folder: retrievals through both at once still cause a single
// refresh at the provider — the process without the refresh lease waits for the other's token.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { VaultTransport } from "../../runtime/transport.js";
import { launchBrowser, type TestBrowser } from "../support/browser.js";
import { startPeers, type Peers } from "./identity/harness.js";
import { connectStatus, createConnect, retrieveToken, runInBrowser } from "./identity/flows.js";

const OFFSET_MS = 12_000; // a 20 s token then has 8 s left: inside its refresh window

let peers: Peers;
let browser: TestBrowser;
let child: ChildProcess | undefined;
let other: VaultTransport | undefined;

beforeAll(async () => {
  [peers, browser] = await Promise.all([startPeers({ idp: { accessTokenTtl: 20 } }), launchBrowser()]);
});
afterAll(async () => {
  await other?.close();
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once("exit", r));
    child.stdin?.end();
    child.kill("SIGTERM");
    await exited;
  }
  await browser?.close();
  await peers?.close();
});

let childLines: AsyncIterator<string> | undefined;

async function nextLine(): Promise<string> {
  const r = await childLines!.next();
  if (r.done) throw new Error("the second vault process exited");
  return r.value;
}

async function startSecondVault(): Promise<string> {
  const script = fileURLToPath(new URL("./identity/vault-process.ts", import.meta.url));
  child = spawn(process.execPath, ["--import", "tsx", script, peers.dataDir], {
    cwd: fileURLToPath(new URL("../..", import.meta.url)),
    stdio: ["pipe", "pipe", "inherit"],
  });
  childLines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  for (;;) {
    const line = await nextLine();
    if (line.startsWith("{")) return (JSON.parse(line) as { url: string }).url;
  }
}

async function setChildOffset(ms: number): Promise<void> {
  child!.stdin!.write(`offset ${ms}\n`);
  expect(await nextLine()).toBe("ok");
}

it("refreshes once across two vault processes", async () => {
  peers.setClockOffset(0);
  const session = await createConnect(peers, { providers: ["github"], scopes: { github: ["openid", "email"] } });
  expect((await runInBrowser(browser, peers, session.connectUrl, "alice")).outcome).toBe("completed");
  const grantId = (await connectStatus(peers, session.sessionId)).grants[0]!.grantId;

  const url = await startSecondVault();
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
  other = new VaultTransport({ baseUrl: url, apiKey: peers.apiKey });
  const otherPeers = { ...peers, transport: other };

  peers.setClockOffset(OFFSET_MS);
  await setChildOffset(OFFSET_MS);
  const before = peers.idp.tokenRequests("refresh_token").length;
  const tokens = await Promise.all(
    Array.from({ length: 16 }, (_, i) => retrieveToken(i % 2 === 0 ? peers : otherPeers, { grantId })),
  );
  const refreshes = peers.idp.tokenRequests("refresh_token").slice(before);
  expect(refreshes).toEqual([expect.objectContaining({ outcome: "success" })]);
  expect(new Set(tokens).size).toBe(1);
  expect(peers.sql("SELECT * FROM refresh_leases")).toEqual([]);
}, 60_000);
