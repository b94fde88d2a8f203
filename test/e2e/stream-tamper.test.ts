// A streamed proxy answer whose frames are changed on the way (docs/protocol.md, "Streamed
// answers"): a loopback man in the middle between the SDK and the real vault passes every request
// and the answer's head through unchanged (so its signature verifies), and rewrites the frames
// after it. The SDK has already handed the first bytes over; the stream must then end in an error
// that says they cannot be trusted, never close as if complete.
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlterVault, NetworkError, SignatureError } from "alter-gen/runtime";
import { createGithubClient } from "alter-gen/generated/github";
import { FrameSplitter, frame } from "../../protocol/stream-frames.js";
import { startPeers, type Peers } from "../runtime/support/peers.js";
import { startDownloadHost, type DownloadHost } from "../support/download-host.js";

/** Rewrites the frames after the head: `data` are the data frames, `end` the end frame's payload. */
type Tamper = (frames: { data: Uint8Array[]; end: Uint8Array }) => { data: Uint8Array[]; end: Uint8Array | undefined };

let p: Peers;
let dl: DownloadHost;
let mitm: Server;
let vault: AlterVault;
let grant: string;
let tamper: Tamper = (f) => f;

/** Relays to the vault; a streamed answer's frames are collected, rewritten by `tamper` and sent on. */
function startMitm(target: URL): Promise<Server> {
  const server = createServer((req, res) => {
    const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      const streamed = answer.headers["alter-stream"] !== undefined;
      res.writeHead(answer.statusCode!, answer.headers);
      if (!streamed) return void answer.pipe(res);
      const splitter = new FrameSplitter();
      const frames: Uint8Array[] = [];
      answer.on("data", (c: Buffer) => frames.push(...splitter.push(c)));
      answer.on("end", () => {
        const [head, ...rest] = frames;
        const cut = rest.findIndex((f) => f.byteLength === 0);
        // Framed anew in 10 000-byte frames (any framing is valid), so every case has several.
        const all = Buffer.concat(rest.slice(0, cut));
        const data = Array.from({ length: Math.ceil(all.byteLength / 10_000) }, (_, i) => all.subarray(i * 10_000, (i + 1) * 10_000));
        const out = tamper({ data, end: rest[cut + 1]! });
        res.write(frame(head!));
        for (const d of out.data) res.write(frame(d));
        // Cut after the data has been read (a close with bytes still unread may lose them first).
        if (out.end === undefined) return void setTimeout(() => res.destroy(), 300);
        res.write(frame(new Uint8Array(0)));
        res.end(frame(out.end));
      });
    });
    req.pipe(up);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

beforeAll(async () => {
  [p, dl] = await Promise.all([startPeers("github"), startDownloadHost()]);
  grant = await p.grant("ghp_CANARYtamper0123456789abcdef");
  mitm = await startMitm(new URL(p.vault.url));
  vault = new AlterVault({ apiKey: p.apiKey, baseUrl: `http://127.0.0.1:${(mitm.address() as AddressInfo).port}`, retry: false });
  dl.answer(() => ({ status: 200, body: new Uint8Array(300_000).map((_, i) => i & 0xff) }));
});

/** The archive download through the man in the middle, as a stream (the stand-in's script is used once). */
async function download() {
  p.standin.script("repos/download-tarball-archive", { status: 302, headers: { location: `${dl.origin}/archive.tar.gz?token=SIGNED` } });
  const github = createGithubClient(vault, { baseUrl: p.standin.url, mode: "proxy" });
  return github.repos.downloadTarballArchive(grant, { owner: "octo", repo: "hello", ref: "main" }, { stream: true });
}
afterAll(async () => {
  await vault?.close();
  mitm?.closeAllConnections();
  await Promise.allSettled([p?.close(), dl?.close(), new Promise((r) => mitm?.close(r))]);
});

const flip = (d: Uint8Array) => {
  const c = d.slice();
  c[0] = c[0]! ^ 1;
  return c;
};

const CASES: [string, Tamper, typeof SignatureError | typeof NetworkError, string][] = [
  ["a byte of a data frame flipped", ({ data, end }) => ({ data: [data[0]!, flip(data[1]!), ...data.slice(2)], end }), SignatureError, "digest_mismatch"],
  ["a data frame dropped", ({ data, end }) => ({ data: [data[0]!, ...data.slice(2)], end }), SignatureError, "digest_mismatch"],
  ["a data frame repeated", ({ data, end }) => ({ data: [data[0]!, ...data], end }), SignatureError, "digest_mismatch"],
  [
    "the end rewritten to match shorter data",
    ({ data, end }) => {
      const e = JSON.parse(Buffer.from(end).toString()) as { bytes: number };
      return { data: data.slice(0, 1), end: Buffer.from(JSON.stringify({ ...e, bytes: data[0]!.byteLength })) };
    },
    SignatureError,
    "signature_invalid",
  ],
  ["the end cut off (connection closed)", ({ data }) => ({ data, end: undefined }), NetworkError, "stream_truncated"],
];

describe("a tampered streamed proxy answer errors at its end, after the bytes already handed over", () => {
  it.each(CASES)("%s", async (_name, how, errorClass, code) => {
    tamper = how;
    const body = await download();
    let handedOver = 0;
    const error = await (async () => {
      for await (const chunk of body) handedOver += chunk.byteLength;
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(handedOver).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(errorClass);
    expect((error as { code: string }).code).toBe(code);
  });

  it("untouched, the same path closes the stream with every byte", async () => {
    tamper = (f) => f;
    let bytes = 0;
    for await (const chunk of await download()) bytes += chunk.byteLength;
    expect(bytes).toBe(300_000);
  });
});
