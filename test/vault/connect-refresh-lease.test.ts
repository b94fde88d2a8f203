// Two processes on one data folder — the server, and a second process such as the CLI running an
// approved proxy call — both open an expiring grant's credential at once: still a single refresh
// at the provider, because the process without the refresh lease waits for the other's token.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { engineEnv } from "../support/vault-engine.js";
import { launchBrowser, type TestBrowser } from "../support/browser.js";
import { startPeers, type Peers } from "./identity/harness.js";
import { connectStatus, createConnect, retrieveToken, runInBrowser } from "./identity/flows.js";

const OFFSET_MS = 12_000; // a 20 s token then has 8 s left: inside its refresh window

let peers: Peers;
let browser: TestBrowser;
let child: ChildProcess | undefined;

beforeAll(async () => {
  [peers, browser] = await Promise.all([startPeers({ idp: { accessTokenTtl: 20 } }), launchBrowser()]);
});
afterAll(async () => {
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

async function startSecondProcess(): Promise<void> {
  const script = fileURLToPath(new URL("./identity/vault-process.ts", import.meta.url));
  child = spawn(process.execPath, ["--import", "tsx", script, peers.dataDir], {
    cwd: fileURLToPath(new URL("../..", import.meta.url)),
    env: { ...process.env, ...engineEnv(peers.dataDir) },
    stdio: ["pipe", "pipe", "inherit"],
  });
  childLines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  while ((await nextLine()) !== "ready");
}

it("refreshes once across two processes", async () => {
  peers.setClockOffset(0);
  const session = await createConnect(peers, { providers: ["github"], scopes: { github: ["openid", "email"] } });
  expect((await runInBrowser(browser, peers, session.connectUrl, "alice")).outcome).toBe("completed");
  const grantId = (await connectStatus(peers, session.sessionId)).grants[0]!.grantId;

  await startSecondProcess();
  peers.setClockOffset(OFFSET_MS);
  const before = peers.idp.tokenRequests("refresh_token").length;
  child!.stdin!.write(`retrieve ${grantId} ${OFFSET_MS} 8\n`);
  const [fromServer, fromChild] = await Promise.all([
    Promise.all(Array.from({ length: 8 }, () => retrieveToken(peers, { grantId }))),
    nextLine().then((line) => JSON.parse(line) as string[]),
  ]);
  const tokens = [...fromServer, ...fromChild];
  expect(tokens).toHaveLength(16);
  const refreshes = peers.idp.tokenRequests("refresh_token").slice(before);
  expect(refreshes).toEqual([expect.objectContaining({ outcome: "success" })]);
  expect(new Set(tokens).size).toBe(1);
  expect(await peers.sql("SELECT * FROM refresh_leases")).toEqual([]);
}, 60_000);
