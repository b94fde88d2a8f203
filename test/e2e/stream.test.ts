// Streamed answers (`{ stream: true }`, issue 17 item 1's last part) end to end: the generated
// GitHub client, the real local vault and the GitHub stand-in, GitHub's archive redirect to a
// download host on 127.0.0.2 (outside the grant) that writes its body with backpressure and
// counts what it has written. The bound asserted is on bytes: what the host has been able to
// send while the consumer has not read it (the runtime's read-ahead plus the sockets' buffers).
import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlterValueError, AlterVault, NetworkError, ProviderAPIError, TimeoutError, type ByteStream } from "alter-gen/runtime";
import { createGithubClient } from "alter-gen/generated/github";
import { readAudit } from "../support/vault-admin.js";
import { startPeers, type Peers } from "../runtime/support/peers.js";
import { startDownloadHost, type DownloadHost } from "../support/download-host.js";
import { CANARY_CREDENTIALS, carried, findLeak } from "../support/canary-forms.js";

const MODES = ["retrieve", "proxy"] as const;
const MiB = 1024 * 1024;
const TOKEN = CANARY_CREDENTIALS[0]!.parts[0]!;
const PIECE = new Uint8Array(64 * 1024).map((_, i) => (i * 2654435761) >>> 24);

let p: Peers;
let dl: DownloadHost;
let vault: AlterVault;
let grant: string;

beforeAll(async () => {
  [p, dl] = await Promise.all([startPeers("github"), startDownloadHost()]);
  grant = await p.grant(TOKEN);
  vault = new AlterVault({ apiKey: p.apiKey, baseUrl: p.vault.url, retry: false });
});
afterAll(async () => {
  await vault?.close();
  await Promise.allSettled([p?.close(), dl?.close()]);
});

const github = (mode: (typeof MODES)[number]) => createGithubClient(vault, { baseUrl: p.standin.url, mode });
const ARCHIVE = { owner: "octo", repo: "hello", ref: "main" };

/** What the download host did with one answer. */
interface Feed {
  sent: number;
  closedEarly: boolean;
  hash: string;
}

/** The archive's 302 to the download host, which writes `size` bytes (then, if told, fails). */
function archive(size: number, how: { failAfter?: number; stallAfter?: number } = {}): Feed {
  const feed: Feed = { sent: 0, closedEarly: false, hash: "" };
  const hash = createHash("sha256");
  p.standin.script("repos/download-tarball-archive", { status: 302, headers: { location: `${dl.origin}/octo/hello/legacy.tar.gz/main?token=SIGNED` } });
  dl.answer(() => ({
    status: 200,
    headers: { "content-type": "application/x-gzip", "content-length": String(size) },
    write(res: ServerResponse) {
      res.once("close", () => (feed.closedEarly = !res.writableFinished));
      const more = (): void => {
        while (feed.sent < size) {
          if (how.failAfter !== undefined && feed.sent >= how.failAfter) return void res.socket?.destroy();
          if (how.stallAfter !== undefined && feed.sent >= how.stallAfter) return;
          const piece = PIECE.subarray(0, Math.min(PIECE.byteLength, size - feed.sent));
          feed.sent += piece.byteLength;
          hash.update(piece);
          if (!res.write(piece)) return void res.once("drain", more);
        }
        feed.hash = hash.digest("hex");
        res.end();
      };
      more();
    },
  }));
  return feed;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await pause(10);
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

async function drain(reader: ReturnType<ByteStream["getReader"]>, first: Uint8Array[] = []): Promise<{ bytes: number; hash: string }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for (const c of first) (hash.update(c), (bytes += c.byteLength));
  for (;;) {
    const r = await reader.read();
    if (r.done) return { bytes, hash: hash.digest("hex") };
    hash.update(r.value);
    bytes += r.value.byteLength;
  }
}

describe("a large download streams to the caller", () => {
  it.each(MODES)("%s mode: 50 MB through the 302 arrive intact, and a consumer that stops reading holds the host back", async (mode) => {
    const size = 50 * MiB;
    const feed = archive(size);
    const res = await github(mode).repos.downloadTarballArchive.withResponse(grant, ARCHIVE, { stream: true });
    expect(res.status).toBe(200);
    if (mode === "retrieve") expect(res.headers["content-length"]).toBe(String(size));
    const reader = res.data.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    // One read hands over one socket read, not the body.
    expect(first.value!.byteLength).toBeLessThanOrEqual(MiB);
    // The consumer pauses: streamed, the host is held back by the unread bytes (kernel buffers,
    // undici's 64 KiB, in proxy mode the vault's legs too); buffered, it would have sent all
    // 50 MB before the call even resolved (and proxy mode would refuse past 16 MiB).
    await pause(400);
    expect(feed.sent).toBeLessThan(16 * MiB);
    const got = await drain(reader, [first.value!]);
    expect(got).toEqual({ bytes: size, hash: feed.hash });
  });

  it.each(MODES)("%s mode: for await over the stream reads every byte", async (mode) => {
    const feed = archive(MiB + 17);
    let bytes = 0;
    for await (const chunk of await github(mode).repos.downloadTarballArchive(grant, ARCHIVE, { stream: true })) bytes += chunk.byteLength;
    expect([bytes, feed.sent]).toEqual([MiB + 17, MiB + 17]);
  });

  it("proxy mode: the audit row is written as for any proxied call, marked streamed, with its hop", async () => {
    archive(1000);
    const before = (await readAudit({ dataDir: p.dataDir })).length;
    await drain((await github("proxy").repos.downloadTarballArchive(grant, ARCHIVE, { stream: true })).getReader());
    const rows = (await readAudit({ dataDir: p.dataDir })).slice(before).filter((r) => r.action === "proxy.call");
    expect(rows.map((r) => [r.outcome, r.status, r.details])).toEqual([["success", 200, { redirects: [{ status: 302, host: dl.host }], streamed: true }]]);
  });
});

describe("a stream that ends early", () => {
  it.each(MODES)("%s mode: abort through the call's signal mid-stream: the read rejects with the signal's reason and the host's connection closes", async (mode) => {
    const feed = archive(50 * MiB);
    const ac = new AbortController();
    const body = await github(mode).repos.downloadTarballArchive(grant, ARCHIVE, { stream: true, signal: ac.signal });
    const reader = body.getReader();
    await reader.read();
    const reason = new Error("the caller gave up");
    ac.abort(reason);
    await expect(drain(reader)).rejects.toBe(reason);
    await until(() => feed.closedEarly, "the host's connection to close");
    expect(feed.sent).toBeLessThan(50 * MiB);
  });

  it.each(MODES)("%s mode: a consumer that cancels frees the connection", async (mode) => {
    const feed = archive(50 * MiB);
    const body = await github(mode).repos.downloadTarballArchive(grant, ARCHIVE, { stream: true });
    const reader = body.getReader();
    await reader.read();
    await reader.cancel();
    await until(() => feed.closedEarly, "the host's connection to close");
    expect(feed.sent).toBeLessThan(50 * MiB);
  });

  it.each([
    ["retrieve", /^repos\/download-tarball-archive: could not reach http:\/\/127\.0\.0\.2:\d+\//],
    ["proxy", /^the provider's answer was cut off while the vault relayed it \(provider_unreachable\)$/],
  ] as const)("%s mode: the host drops the connection midway: the stream errors with a NetworkError, not undici's error", async (mode, message) => {
    archive(8 * MiB, { failAfter: 512 * 1024 });
    const body = await github(mode).repos.downloadTarballArchive(grant, ARCHIVE, { stream: true });
    const error = await drain(body.getReader()).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(message);
  });

  it("retrieve mode: the host stalls midway: the stream errors with a TimeoutError after timeoutMs without bytes", async () => {
    archive(8 * MiB, { stallAfter: 256 * 1024 });
    const body = await github("retrieve").repos.downloadTarballArchive(grant, ARCHIVE, { stream: true, timeoutMs: 700 });
    const error = await drain(body.getReader()).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe("repos/download-tarball-archive: the provider did not answer within 700 ms");
  });
});

describe("what still fails before a stream is handed over", () => {
  it.each(MODES)("%s mode: a non-2xx answer is a ProviderAPIError with its decoded body", async (mode) => {
    p.standin.script("repos/download-tarball-archive", { status: 302, headers: { location: `${dl.origin}/gone` } });
    dl.answer(() => ({ status: 404, headers: { "content-type": "application/json" }, body: '{"message":"Not Found"}' }));
    const error = await github(mode).repos.downloadTarballArchive(grant, ARCHIVE, { stream: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderAPIError);
    expect((error as ProviderAPIError).body).toEqual({ message: "Not Found" });
  });

  it.each([
    ["a stream option that is not a boolean", { stream: "yes" }, /options\.stream must be true or false, got string/],
  ])("%s is refused before anything is sent", async (_name, options, message) => {
    const before = p.standin.requests.length;
    const error = await github("retrieve").repos.downloadTarballArchive(grant, ARCHIVE, options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlterValueError);
    expect((error as Error).message).toMatch(message);
    expect(p.standin.requests.length).toBe(before);
  });

  it("pages() with stream is refused", () => {
    expect(() => github("retrieve").repos.listForOrg.pages(grant, { org: "octo" }, { stream: true } as never)).toThrow(/options\.stream cannot be used with pages\(\) or paginate\(\)/);
  });
});

describe("the credential echoed into a streamed answer is scrubbed across chunk boundaries", () => {
  // About 1 MB of JSON holding the token thousands of times, separated by filler of varying
  // length: the answer arrives in many reads, and reads end inside some of the copies.
  const COPIES = 20_000;
  it.each(MODES)("%s mode: no form of the token reaches the caller, and every copy is replaced", async (mode) => {
    p.standin.script("repos/get", {
      status: 200,
      respond: (req) => {
        const { secret } = carried(CANARY_CREDENTIALS[0]!, req);
        const echo = Array.from({ length: COPIES }, (_, i) => `${"~".repeat(i % 7)}${secret}`).join("|");
        return { body: { id: 1, name: "hello", full_name: "octo/hello", echo } };
      },
    });
    const body = await github(mode).repos.get(grant, { owner: "octo", repo: "hello" }, { stream: true });
    const chunks: Uint8Array[] = [];
    for await (const c of body) chunks.push(c);
    const text = Buffer.concat(chunks).toString("utf8");
    if (mode === "retrieve") expect(chunks.length).toBeGreaterThan(3);
    expect(findLeak(CANARY_CREDENTIALS[0]!, text)).toBeUndefined();
    expect(text.split("[REDACTED]").length - 1).toBe(COPIES);
    expect(JSON.parse(text)).toMatchObject({ full_name: "octo/hello" });
  });
});
