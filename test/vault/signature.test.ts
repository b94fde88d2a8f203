// Request verification: every signed component, the time window, replay, keys; and the
// response signature bound to the request.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, deprecateApiKey, revokeApiKey } from "../support/vault-admin.js";
import { VaultTransport } from "../../runtime/internal/transport.js";
import { SignatureError } from "../../runtime/errors.js";
import { call, nowSec, send, sign, startTestVault, verifyResponse, type TestVault } from "./helpers.js";

let v: TestVault;
const retrieveBody = { grant: { grantId: "00000000-0000-4000-8000-000000000000" }, provider: "github", request: { method: "GET", url: "https://api.github.com/user" } };

beforeAll(async () => {
  v = await startTestVault();
});
afterAll(async () => {
  await v.close();
});

describe("a well-formed signed request", () => {
  it("is accepted and the answer is signed, bound to the request", async () => {
    const res = await call(v, "GET", "/v1/grants");
    expect(res.status).toBe(200);
    expect(res.json.grants).toEqual([]);
    expect(() => verifyResponse(v.apiKey, res.req, res)).not.toThrow();
  });

  it("gets a signed error envelope too", async () => {
    const res = await call(v, "POST", "/v1/credentials/retrieve", retrieveBody);
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe("grant_not_found");
    verifyResponse(v.apiKey, res.req, res);
  });

  it("a response bound to another request does not verify", async () => {
    const a = await call(v, "GET", "/v1/grants");
    const b = sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants" });
    expect(() => verifyResponse(v.apiKey, b, a)).toThrow(SignatureError);
  });
});

describe("tampering with a signed component", () => {
  const cases: { name: string; code: string; run: () => Promise<{ status: number; json: any }> }[] = [
    {
      name: "method",
      code: "signature_invalid",
      run: async () => {
        const r = sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants" });
        return send(r, { method: "POST" });
      },
    },
    {
      name: "target path",
      code: "signature_invalid",
      run: async () => {
        const r = sign(v.apiKey, { method: "POST", url: v.url + "/v1/grants/aaaa/revoke", body: {} });
        return send(r, { url: v.url + "/v1/grants/bbbb/revoke" });
      },
    },
    {
      name: "target query",
      code: "signature_invalid",
      run: async () => {
        const r = sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants?provider=github" });
        return send(r, { url: v.url + "/v1/grants?provider=slack" });
      },
    },
    {
      name: "target host",
      code: "signature_invalid",
      run: async () => {
        const r = sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants" });
        return send(r, { headers: { ...r.headers, host: "localhost:" + new URL(v.url).port } });
      },
    },
    {
      name: "body (digest left as signed)",
      code: "digest_mismatch",
      run: async () => {
        const r = sign(v.apiKey, { method: "POST", url: v.url + "/v1/credentials/retrieve", body: retrieveBody });
        return send(r, { body: Buffer.from(JSON.stringify({ ...retrieveBody, provider: "slack" })) });
      },
    },
    {
      name: "content-digest (recomputed for a new body)",
      code: "signature_invalid",
      run: async () => {
        const r = sign(v.apiKey, { method: "POST", url: v.url + "/v1/credentials/retrieve", body: retrieveBody });
        const other = sign(v.apiKey, { method: "POST", url: v.url + "/v1/credentials/retrieve", body: { ...retrieveBody, provider: "slack" } });
        return send(r, { body: other.body!, headers: { ...r.headers, "content-digest": other.headers["content-digest"]! } });
      },
    },
    {
      name: "content-type",
      code: "signature_invalid",
      run: async () => {
        const r = sign(v.apiKey, { method: "POST", url: v.url + "/v1/credentials/retrieve", body: retrieveBody });
        return send(r, { headers: { ...r.headers, "content-type": "application/json; charset=latin1" } });
      },
    },
    {
      name: "user token header",
      code: "signature_invalid",
      run: async () => {
        const r = sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants", userToken: "eyJ.a.b" });
        return send(r, { headers: { ...r.headers, "alter-user-token": "eyJ.c.d" } });
      },
    },
    {
      name: "user token added after signing",
      code: "signature_missing",
      run: async () => {
        const r = sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants" });
        return send(r, { headers: { ...r.headers, "alter-user-token": "eyJ.c.d" } });
      },
    },
    ...(["created", "expires", "nonce", "keyid"] as const).map((param) => ({
      name: `signature parameter ${param}`,
      code: param === "keyid" ? "unknown_key" : "signature_invalid",
      run: async () => {
        const r = sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants" });
        const input = r.headers["signature-input"]!;
        const changed =
          param === "created"
            ? input.replace(/created=(\d+)/, (_, n) => `created=${Number(n) - 1}`)
            : param === "expires"
              ? input.replace(/expires=(\d+)/, (_, n) => `expires=${Number(n) + 1}`)
              : param === "nonce"
                ? input.replace(/nonce="([^"]+)"/, 'nonce="AAAAAAAAAAAAAAAAAAAAAA"')
                : input.replace(/keyid="([^"]+)"/, 'keyid="zzzzzzzzzzzzzzzz"');
        expect(changed).not.toBe(input);
        return send(r, { headers: { ...r.headers, "signature-input": changed } });
      },
    })),
    {
      name: "keyid swapped to another valid key",
      code: "signature_invalid",
      run: async () => {
        const other = await createApiKey({ dataDir: v.dataDir });
        const r = sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants", keyid: other.keyId });
        return send(r);
      },
    },
    {
      name: "signature bytes",
      code: "signature_invalid",
      run: async () => {
        const r = sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants" });
        const sig = r.headers.signature!;
        const flipped = sig.replace(/:([A-Za-z0-9+/])/, (_, c: string) => ":" + (c === "A" ? "B" : "A"));
        return send(r, { headers: { ...r.headers, signature: flipped } });
      },
    },
    {
      name: "content-digest not covered",
      code: "signature_missing",
      run: async () => send(sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants", components: ["@method", "@target-uri"] })),
    },
    {
      name: "no signature at all",
      code: "signature_missing",
      run: async () => {
        const r = sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants" });
        const { signature: _s, "signature-input": _i, ...rest } = r.headers;
        return send(r, { headers: rest });
      },
    },
  ];

  for (const c of cases) {
    it(`${c.name} → 401 ${c.code}`, async () => {
      const res = await c.run();
      expect(res.status).toBe(401);
      expect(res.json.error.code).toBe(c.code);
    });
  }
});

describe("time window and replay", () => {
  it("refuses a replayed request", async () => {
    const r = sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants" });
    expect((await send(r)).status).toBe(200);
    const again = await send(r);
    expect(again.status).toBe(401);
    expect(again.json.error.code).toBe("signature_replayed");
  });

  it("refuses a stale created", async () => {
    const created = nowSec() - 120;
    const res = await send(sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants", created, expires: created + 300 }));
    expect(res.json.error.code).toBe("signature_expired");
  });

  it("refuses an expires in the past", async () => {
    const created = nowSec() - 5;
    const res = await send(sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants", created, expires: created + 2 }));
    expect(res.json.error.code).toBe("signature_expired");
  });

  it("refuses a validity longer than 60 s", async () => {
    const created = nowSec();
    const res = await send(sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants", created, expires: created + 61 }));
    expect(res.json.error.code).toBe("signature_expired");
  });

  it("refuses a created in the future", async () => {
    const created = nowSec() + 120;
    const res = await send(sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants", created, expires: created + 60 }));
    expect(res.json.error.code).toBe("signature_future");
  });

  it("accepts small clock skew into the future", async () => {
    const created = nowSec() + 10;
    const res = await send(sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants", created, expires: created + 60 }));
    expect(res.status).toBe(200);
  });
});

describe("keys", () => {
  it("an unknown key id gets an unsigned 401 unknown_key", async () => {
    const bogus = "alter_sk_abcdefghijklmnop_" + "A".repeat(43);
    const res = await send(sign(bogus, { method: "GET", url: v.url + "/v1/grants" }));
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("unknown_key");
    expect(res.headers.signature).toBeUndefined();
  });

  // A newcomer's ALTER_API_KEY from another vault, or with a mistyped secret: the SDK says so.
  it.each([
    ["a key id this vault does not know", () => "alter_sk_abcdefghijklmnop_" + "A".repeat(43), "unknown_key", /^unknown API key: the vault at .* has no key with id abcdefghijklmnop/],
    ["a known key id with another secret", () => v.apiKey.slice(0, -43) + "B".repeat(42) + "A", "signature_invalid", /^unknown API key: the vault at .* refused API key [a-z0-9]{16}/],
  ] as const)("the SDK reports %s as an unknown API key", async (_name, key, code, message) => {
    const t = new VaultTransport({ baseUrl: v.url, apiKey: key() });
    try {
      const error = (await t.request("GET", "/v1/grants").catch((e: unknown) => e)) as SignatureError;
      expect(error).toBeInstanceOf(SignatureError);
      expect(error.code).toBe(code);
      expect(error.unverified).toBe(true);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain(key().slice(-43));
    } finally {
      await t.close();
    }
  });

  it("a revoked key gets key_revoked, and the SDK transport reports it", async () => {
    const k = await createApiKey({ dataDir: v.dataDir, label: "to revoke" });
    expect((await send(sign(k.apiKey, { method: "GET", url: v.url + "/v1/grants" }))).status).toBe(200);
    await revokeApiKey({ dataDir: v.dataDir, keyId: k.keyId });
    const r = sign(k.apiKey, { method: "GET", url: v.url + "/v1/grants" });
    const res = await send(r);
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("key_revoked");
    verifyResponse(k.apiKey, r, res);
    const t = new VaultTransport({ baseUrl: v.url, apiKey: k.apiKey });
    await expect(t.request("GET", "/v1/grants")).rejects.toMatchObject({ code: "key_revoked" });
    await t.close();
  });

  it("a deprecated key still works and every answer says until when", async () => {
    const k = await createApiKey({ dataDir: v.dataDir, label: "to deprecate" });
    const sunset = new Date(Date.now() + 7 * 86_400_000).toISOString();
    await deprecateApiKey({ dataDir: v.dataDir, keyId: k.keyId, sunsetAt: sunset });
    const res = await send(sign(k.apiKey, { method: "GET", url: v.url + "/v1/grants" }));
    expect(res.status).toBe(200);
    expect(res.headers["alter-key-deprecated"]).toBe(sunset);
    const warnings: string[] = [];
    const t = new VaultTransport({ baseUrl: v.url, apiKey: k.apiKey, logger: { warn: (m) => warnings.push(m) } });
    await t.request("GET", "/v1/grants");
    await t.request("GET", "/v1/grants");
    await t.close();
    expect(warnings).toHaveLength(1);
  });

  it("a deprecated key past its sunset is refused", async () => {
    const k = await createApiKey({ dataDir: v.dataDir });
    await deprecateApiKey({ dataDir: v.dataDir, keyId: k.keyId, sunsetAt: new Date(Date.now() - 1000).toISOString() });
    const res = await send(sign(k.apiKey, { method: "GET", url: v.url + "/v1/grants" }));
    expect(res.json.error.code).toBe("key_revoked");
  });
});

describe("Ed25519 request signatures", () => {
  it("a key with a registered Ed25519 public key may sign with alg ed25519; others may not", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const k = await createApiKey({ dataDir: v.dataDir, label: "ed", ed25519PublicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() });
    const t = new VaultTransport({ baseUrl: v.url, apiKey: k.apiKey, signingKey: privateKey });
    const res = await t.request<{ grants: unknown[] }>("GET", "/v1/grants");
    expect(res.status).toBe(200);
    await t.close();
    // The initial key has no Ed25519 key registered.
    const other = new VaultTransport({ baseUrl: v.url, apiKey: v.apiKey, signingKey: privateKey });
    await expect(other.request("GET", "/v1/grants")).rejects.toMatchObject({ code: "signature_invalid" });
    await other.close();
    // A different Ed25519 key does not verify.
    const stranger = generateKeyPairSync("ed25519").privateKey;
    const wrong = new VaultTransport({ baseUrl: v.url, apiKey: k.apiKey, signingKey: stranger });
    await expect(wrong.request("GET", "/v1/grants")).rejects.toMatchObject({ code: "signature_invalid" });
    await wrong.close();
  });
});
