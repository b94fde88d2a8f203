// One time limit per attempt across a redirect's hops (issue 17's redirects report: each hop had
// its own `timeoutMs`, so a chain of slow hops could take (hops + 1) × timeoutMs). GitHub's
// archive 302 leads to a download host on 127.0.0.2 that redirects once more to itself; each of
// its two answers comes after a delay below `timeoutMs`, and together above it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlterVault, TimeoutError } from "alter-gen/runtime";
import { createGithubClient } from "alter-gen/generated/github";
import { startPeers, type Peers } from "../runtime/support/peers.js";
import { startDownloadHost, type DownloadHost } from "../support/download-host.js";

let p: Peers;
let dl: DownloadHost;
let vault: AlterVault;
let grant: string;

beforeAll(async () => {
  [p, dl] = await Promise.all([startPeers("github"), startDownloadHost()]);
  grant = await p.grant("ghp_CANARYdeadline0123456789abcdef");
  vault = new AlterVault({ apiKey: p.apiKey, baseUrl: p.vault.url, retry: false });
});
afterAll(async () => {
  await vault?.close();
  await Promise.allSettled([p?.close(), dl?.close()]);
});

const ARCHIVE = { owner: "octo", repo: "hello", ref: "main" };
const TIMEOUT_MS = 1_000;

describe("retrieve mode: timeoutMs covers every hop of the attempt", () => {
  it.each([
    ["two slow hops that together pass timeoutMs fail with a TimeoutError", 650, "timeout"],
    ["two quick hops within timeoutMs succeed", 150, "ok"],
  ] as const)("%s", async (_name, delayMs, expected) => {
    p.standin.script("repos/download-tarball-archive", { status: 302, headers: { location: `${dl.origin}/first` } });
    dl.answer((req) => (req.url === "/first" ? { status: 302, delayMs, headers: { location: `${dl.origin}/second` } } : { status: 200, delayMs, body: "archive" }));
    const github = createGithubClient(vault, { baseUrl: p.standin.url, timeoutMs: TIMEOUT_MS });
    const outcome = await github.repos.downloadTarballArchive(grant, ARCHIVE).then(
      (data) => Buffer.from(data).toString(),
      (error: unknown) => error,
    );
    if (expected === "ok") return expect(outcome).toBe("archive");
    expect(outcome).toBeInstanceOf(TimeoutError);
    expect((outcome as Error).message).toBe(`repos/download-tarball-archive: the provider did not answer within ${TIMEOUT_MS} ms`);
  });
});
