// What keeps one client from holding the vault (docs/protocol.md, "Limits"): a signed request's
// headers are verified before its body is read, the body streams into its digest and is refused
// as soon as it passes the limit, stalled connections are closed, and one source address can hold
// only so many connections. Raw sockets, so the tests control every byte and pause.
import { connect, type Socket } from "node:net";
import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { send, sign, startTestVault, verifyResponse, type TestVault } from "./helpers.js";

const LIMIT = 256 * 1024;
let v: TestVault;
beforeAll(async () => {
  v = await startTestVault({
    bodyLimit: LIMIT,
    log: () => {},
    limits: { headersTimeoutMs: 400, requestTimeoutMs: 800, keepAliveTimeoutMs: 300, maxConnectionsPerSource: 64 },
  });
});
afterAll(async () => {
  await v.close();
});

/** A raw connection that collects what the server writes and notices when it closes. */
function open(port: number): Promise<{ socket: Socket; received: () => string; closed: Promise<void>; answered: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let data = "";
    let onAnswer: (text: string) => void = () => {};
    const answered = new Promise<string>((r) => (onAnswer = r));
    socket.on("data", (d: Buffer) => {
      data += d.toString("latin1");
      const end = data.indexOf("\r\n\r\n");
      const length = /content-length: (\d+)/i.exec(data)?.[1];
      if (end !== -1 && length !== undefined && data.length >= end + 4 + Number(length)) onAnswer(data);
    });
    socket.on("error", () => {}); // a reset after the answer is part of what is tested
    const closed = new Promise<void>((r) => socket.once("close", () => r()));
    socket.once("connect", () => resolve({ socket, received: () => data, closed, answered }));
    socket.once("error", reject);
  });
}

const port = () => Number(new URL(v.url).port);

/** The request line and headers of a signed POST whose body is `body`, with extra header lines. */
function head(path: string, headers: Record<string, string>, extra: string[] = []): string {
  const { host } = new URL(v.url);
  return [`POST ${path} HTTP/1.1`, `host: ${host}`, ...Object.entries(headers).map(([k, value]) => `${k}: ${value}`), ...extra, "", ""].join("\r\n");
}

const retrieve = { grant: { grantId: "00000000-0000-4000-8000-000000000000" }, provider: "github", request: { method: "GET", url: "https://api.github.com/user" } };

describe("the body is read only after the headers verify", () => {
  // Each request announces a body at the limit and sends only its first 64 KiB: an answer can
  // only come from the headers.
  const refusedBeforeBody: [string, () => Record<string, string>, string][] = [
    ["a wrong signature", () => ({ ...sign(v.apiKey, { method: "POST", url: v.url + "/v1/credentials/retrieve", body: retrieve }).headers, signature: "alter=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:" }), "signature_invalid"],
    ["no signature", () => ({ "content-type": "application/json", "content-digest": "sha-256=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:" }), "signature_missing"],
    ["an unknown key", () => sign("alter_sk_abcdefghijklmnop_" + "A".repeat(43), { method: "POST", url: v.url + "/v1/credentials/retrieve", body: retrieve }).headers, "unknown_key"],
    ["a replayed signature", () => replayed!, "signature_replayed"],
  ];
  let replayed: Record<string, string> | undefined;
  beforeAll(async () => {
    const r = sign(v.apiKey, { method: "POST", url: v.url + "/v1/credentials/retrieve", body: retrieve });
    await send(r);
    replayed = r.headers;
  });

  it.each(refusedBeforeBody)("%s: answered while the body is still being sent, then closed", async (_name, headers, code) => {
    const c = await open(port());
    const h = { ...headers() };
    h["content-length"] = String(LIMIT);
    c.socket.write(head("/v1/credentials/retrieve", h));
    c.socket.write(Buffer.alloc(64 * 1024, 0x20)); // and nothing more
    const answer = await c.answered;
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toContain(`"code":"${code}"`);
    expect(answer.toLowerCase()).toContain("connection: close");
    await c.closed; // the rest of the body is never waited for
  });

  it("a body past the limit is refused at the first chunk over it, before the client is done", async () => {
    const r = sign(v.apiKey, { method: "POST", url: v.url + "/v1/credentials/retrieve", body: retrieve });
    const c = await open(port());
    const { "content-length": _ignored, ...headers } = r.headers;
    c.socket.write(head("/v1/credentials/retrieve", headers, ["transfer-encoding: chunked"]));
    const chunk = Buffer.alloc(32 * 1024, 0x20);
    for (let sent = 0; sent <= LIMIT; sent += chunk.length) c.socket.write(`${chunk.length.toString(16)}\r\n${chunk.toString("latin1")}\r\n`);
    // No terminating chunk: the client is not done.
    const answer = await c.answered;
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('"code":"payload_too_large"');
    expect(answer).toContain("signature-input: alter=");
    await c.closed;
  });

  it("a streamed body that does not match its digest is refused when it ends", async () => {
    const r = sign(v.apiKey, { method: "POST", url: v.url + "/v1/credentials/retrieve", body: retrieve });
    const c = await open(port());
    const { "content-length": _ignored, ...headers } = r.headers;
    c.socket.write(head("/v1/credentials/retrieve", headers, ["transfer-encoding: chunked"]));
    const other = JSON.stringify({ ...retrieve, provider: "slack" });
    c.socket.write(`${Buffer.byteLength(other).toString(16)}\r\n${other}\r\n0\r\n\r\n`);
    const answer = await c.answered;
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toContain('"code":"digest_mismatch"');
    c.socket.destroy();
  });

  it("a streamed body that matches is accepted, and the answer verifies", async () => {
    const r = sign(v.apiKey, { method: "POST", url: v.url + "/v1/credentials/retrieve", body: retrieve });
    const res = await send(r); // undici sends it with Content-Length; the digest is computed as it streams
    expect(res.json.error.code).toBe("grant_not_found");
    verifyResponse(v.apiKey, r, res);
  });
});

describe("stalled connections are closed", () => {
  const stalls: [string, (s: Socket) => void][] = [
    ["sends nothing", () => {}],
    ["sends half a header block", (s) => s.write("GET /v1/health HTTP/1.1\r\nhost: x\r\n")],
    ["trickles header lines", (s) => {
      const timer = setInterval(() => s.writable && s.write("x-pad: 1\r\n"), 50);
      s.once("close", () => clearInterval(timer));
      s.write("GET /v1/health HTTP/1.1\r\n");
    }],
    ["announces a body and stops sending it", (s) => s.write("POST /v1/health HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\nabc")],
    ["stays idle after an answer (keep-alive)", (s) => s.write("GET /v1/health HTTP/1.1\r\nhost: x\r\n\r\n")],
  ];
  it.each(stalls)("a connection that %s", async (_name, act) => {
    const c = await open(port());
    act(c.socket);
    await c.closed; // by the server: the test never closes it
    expect(c.socket.destroyed).toBe(true);
  });

  it("twenty stalled connections at once are all closed", async () => {
    const conns = await Promise.all(Array.from({ length: 20 }, () => open(port())));
    for (const [i, c] of conns.entries()) if (i % 2) c.socket.write("GET /v1/health HTTP/1.1\r\n");
    await Promise.all(conns.map((c) => c.closed));
  });
});

describe("a request read whole keeps its connection", () => {
  // Only a request answered before its body was read closes its connection: one without a body,
  // or whose body came whole with its headers, is answered on a connection that stays open (the
  // server may answer a bodyless request before its parser has marked it complete).
  const whole: [string, () => string][] = [
    ["GET /v1/health (no body)", () => `GET /v1/health HTTP/1.1\r\nhost: ${new URL(v.url).host}\r\n\r\n`],
    ["a signed GET (no body)", () => rawSigned("GET", "/v1/grants")],
    ["a signed POST sent in one write", () => rawSigned("POST", "/v1/credentials/retrieve", retrieve)],
  ];
  function rawSigned(method: string, path: string, body?: unknown): string {
    const r = sign(v.apiKey, { method, url: v.url + path, ...(body === undefined ? {} : { body }) });
    const { host } = new URL(v.url);
    const length = r.body === undefined ? [] : [`content-length: ${r.body.length}`];
    const lines = [`${method} ${path} HTTP/1.1`, `host: ${host}`, ...Object.entries(r.headers).map(([k, value]) => `${k}: ${value}`), ...length, "", ""];
    return lines.join("\r\n") + (r.body?.toString("latin1") ?? "");
  }

  it.each(whole)("%s: answered keep-alive, and the connection serves another request", async (_name, request) => {
    const c = await open(port());
    try {
      c.socket.write(request());
      const answer = (await c.answered).toLowerCase();
      expect(answer).toContain("connection: keep-alive");
      expect(answer).not.toContain("connection: close");
      const second = await new Promise<string>((resolve) => {
        const before = c.received().length;
        c.socket.on("data", () => {
          const text = c.received().slice(before);
          if (/\r\n\r\n[^]*"ok":true/.test(text)) resolve(text);
        });
        c.socket.write(`GET /v1/health HTTP/1.1\r\nhost: x\r\n\r\n`);
      });
      expect(second).toMatch(/^HTTP\/1\.1 200 /);
    } finally {
      c.socket.destroy();
    }
  });
});

describe("a chunked body that came whole with its headers", () => {
  // No Content-Length to refuse it early: the body is already complete in the stream's buffer
  // when the headers have verified, and is measured there (body.ts, readArrived).
  it("past the limit: 413 payload_too_large, signed; within it: read and checked", async () => {
    const small = await startTestVault({ log: () => {}, bodyLimit: 120 });
    try {
      const p = Number(new URL(small.url).port);
      const { host } = new URL(small.url);
      const answerTo = async (body: string, expectStatus: RegExp) => {
        const r = sign(small.apiKey, { method: "POST", url: small.url + "/v1/credentials/retrieve", body });
        const c = await open(p);
        const lines = [`POST /v1/credentials/retrieve HTTP/1.1`, `host: ${host}`, ...Object.entries(r.headers).map(([k, value]) => `${k}: ${value}`), "transfer-encoding: chunked", "", ""];
        c.socket.write(lines.join("\r\n") + `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`);
        const answer = await c.answered;
        c.socket.destroy();
        expect(answer).toMatch(expectStatus);
        return answer;
      };
      const over = await answerTo(JSON.stringify({ ...retrieve, pad: "x".repeat(120) }), /^HTTP\/1\.1 413 /);
      expect(over).toContain('"code":"payload_too_large"');
      expect(over).toContain("signature-input: alter=");
      const within = await answerTo(JSON.stringify({ provider: "github", grant: retrieve.grant }), /^HTTP\/1\.1 404 /);
      expect(within).toContain('"code":"grant_not_found"');
    } finally {
      await small.close();
    }
  });
});

describe("connections per source address", () => {
  it("the connection past the cap gets an unsigned 503 too_many_connections; a freed slot serves again", async () => {
    const capped = await startTestVault({ log: () => {}, limits: { maxConnectionsPerSource: 3 } });
    const p = Number(new URL(capped.url).port);
    const held = await Promise.all([open(p), open(p), open(p)]);
    try {
      const fourth = await open(p);
      const answer = await fourth.answered;
      expect(answer).toMatch(/^HTTP\/1\.1 503 /);
      expect(answer).toContain('"code":"too_many_connections"');
      expect(answer).not.toContain("signature");
      await fourth.closed;
      // The three held connections still work.
      held[0]!.socket.write("GET /v1/health HTTP/1.1\r\nhost: x\r\n\r\n");
      expect(await held[0]!.answered).toMatch(/^HTTP\/1\.1 200 /);
      // Closing one frees a slot (once the server has seen it close).
      held[1]!.socket.destroy();
      await held[1]!.closed;
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 20));
        const dispatcher = new Agent();
        try {
          status = (await send(sign(capped.apiKey, { method: "GET", url: capped.url + "/v1/grants" }), { dispatcher })).status;
        } finally {
          await dispatcher.close();
        }
      }
      expect(status).toBe(200);
    } finally {
      for (const c of held) c.socket.destroy();
      await capped.close();
    }
  });
});
