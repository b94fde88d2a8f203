// Retrieve mode audits the redirects it followed off the grant's hosts (the redirects report's
// gap: proxy mode audited every hop, retrieve mode only the hops that asked for a credential).
// GitHub's archive 302 to a download host outside the grant leaves a `redirect.followed` row with
// the hop; a redirect that stays on the grant's hosts is audited by its retrieval, as before.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlterVault } from "alter-gen/runtime";
import { createGithubClient } from "alter-gen/generated/github";
import { readAudit } from "../support/vault-admin.js";
import { startPeers, type Peers } from "../runtime/support/peers.js";
import { startDownloadHost, type DownloadHost } from "../support/download-host.js";

let p: Peers;
let dl: DownloadHost;
let vault: AlterVault;
let grant: string;

beforeAll(async () => {
  [p, dl] = await Promise.all([startPeers("github"), startDownloadHost()]);
  grant = await p.grant("ghp_CANARYhops0123456789abcdef");
  vault = new AlterVault({ apiKey: p.apiKey, baseUrl: p.vault.url, retry: false });
});
afterAll(async () => {
  await vault?.close();
  await Promise.allSettled([p?.close(), dl?.close()]);
});

async function rowsOf(work: () => Promise<unknown>) {
  const before = (await readAudit({ dataDir: p.dataDir })).length;
  await work();
  return (await readAudit({ dataDir: p.dataDir })).slice(before).map((r) => ({ action: r.action, grantId: r.grantId, path: r.url ? new URL(r.url).pathname : null, details: r.details }));
}

describe("retrieve mode: redirects followed off the grant's hosts are audited", () => {
  const github = () => createGithubClient(vault, { baseUrl: p.standin.url });

  it.each([
    ["the archive 302 to the download host, buffered", {}],
    ["the same, streamed", { stream: true }],
  ] as const)("%s: a redirect.followed row names the hop", async (_name, options) => {
    p.standin.script("repos/download-tarball-archive", { status: 302, headers: { location: `${dl.origin}/archive.tar.gz?token=SIGNED` } });
    dl.answer(() => ({ status: 200, body: "archive" }));
    const rows = await rowsOf(async () => {
      const data = await github().repos.downloadTarballArchive(grant, { owner: "octo", repo: "hello", ref: "main" }, options as never);
      if (data instanceof ReadableStream) for await (const _ of data);
    });
    expect(rows).toEqual([
      { action: "credential.retrieve", grantId: grant, path: "/repos/octo/hello/tarball/main", details: null },
      { action: "redirect.followed", grantId: grant, path: "/repos/octo/hello/tarball/main", details: { redirects: [{ status: 302, host: dl.host }] } },
    ]);
  });

  it("a redirect on the grant's own host leaves its retrieval rows only", async () => {
    p.standin.script("repos/get", { status: 301, headers: { location: `${p.standin.url}/repos/octo/hello-renamed` } });
    const rows = await rowsOf(() => github().repos.get(grant, { owner: "octo", repo: "hello" }));
    expect(rows.map((r) => r.action)).toEqual(["credential.retrieve", "credential.retrieve"]);
  });
});
