// The paths `npm run bench:runtime` compares. Each runs in its own process
// (runtime-contender-process.mjs): sharing one process would let one path's object shapes and
// code deoptimise another's (undici's functions, the runtime's call path), which no real
// application does, and which made the numbers depend on the order the paths ran in.
//
// A contender is `{ label, setup(ctx) -> { call(i), close() } }`. `ctx`: { providerOrigin,
// targetPath, token, vault? } where `vault` ({ baseUrl, apiKey, grantId }) is the local vault the
// parent started for (d).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./env.mjs";

const undiciVersion = () => JSON.parse(readFileSync(path.join(ROOT, "node_modules/undici/package.json"), "utf8")).version;

async function importFrom(rel) {
  const file = path.join(ROOT, rel);
  if (!existsSync(file)) throw new Error(`${rel} does not exist (not landed or not built)`);
  return import(pathToFileURL(file).href);
}

function checkRepo(data) {
  if (data?.id !== 1296269) throw new Error("unexpected provider answer");
}

export const contenders = {
  undici: {
    label: () => `(a) raw undici ${undiciVersion()} request(), token in hand`,
    async setup({ providerOrigin, targetPath, token }) {
      const { Agent, request } = await import("undici");
      const agent = new Agent({ keepAliveTimeout: 60_000 });
      const headers = { authorization: `Bearer ${token}`, accept: "application/json" };
      const url = `${providerOrigin}${targetPath}`;
      return {
        async call() {
          const res = await request(url, { dispatcher: agent, headers });
          const data = await res.body.json();
          if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
          checkRepo(data);
        },
        close: () => agent.close(),
      };
    },
  },

  // The call the runtime itself makes: the Agent's request() with origin and path, which skips
  // the top-level request()'s URL parsing and option copying.
  "undici-agent": {
    label: () => `(a1) raw undici ${undiciVersion()} Agent.request({ origin, path }), token in hand`,
    async setup({ providerOrigin, targetPath, token }) {
      const { Agent } = await import("undici");
      const agent = new Agent({ keepAliveTimeout: 60_000 });
      const headers = { authorization: `Bearer ${token}`, accept: "application/json" };
      return {
        async call() {
          const res = await agent.request({ origin: providerOrigin, path: targetPath, method: "GET", headers });
          const data = await res.body.json();
          if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
          checkRepo(data);
        },
        close: () => agent.close(),
      };
    },
  },

  // Same as (a) plus what a timeout usually costs: an AbortController + timer per request.
  "undici-signal": {
    label: () => "(a2) raw undici request() + a per-request AbortSignal (30 s timeout)",
    async setup({ providerOrigin, targetPath, token }) {
      const { Agent, request } = await import("undici");
      const agent = new Agent({ keepAliveTimeout: 60_000 });
      const headers = { authorization: `Bearer ${token}`, accept: "application/json" };
      const url = `${providerOrigin}${targetPath}`;
      return {
        async call() {
          const controller = new AbortController();
          const timer = setTimeout(() => controller.abort(), 30_000);
          try {
            const res = await request(url, { dispatcher: agent, headers, signal: controller.signal });
            const data = await res.body.json();
            if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
            checkRepo(data);
          } finally {
            clearTimeout(timer);
          }
        },
        close: () => agent.close(),
      };
    },
  },

  fetch: {
    label: () => `(b) global fetch (Node ${process.version}, undici ${process.versions.undici})`,
    async setup({ providerOrigin, targetPath, token }) {
      const headers = { authorization: `Bearer ${token}`, accept: "application/json" };
      const url = `${providerOrigin}${targetPath}`;
      return {
        async call() {
          const res = await fetch(url, { headers });
          const data = await res.json();
          if (res.status !== 200) throw new Error(`status ${res.status}`);
          checkRepo(data);
        },
        close: async () => {},
      };
    },
  },

  leg: {
    label: () => "(c) provider leg alone: generated client `github.repos.get` through the runtime, credential in hand",
    async setup({ providerOrigin, targetPath, token }) {
      const runtime = await importFrom("dist/runtime/index.js");
      const { internalsOf } = await importFrom("dist/runtime/vault.js");
      const keys = await importFrom("dist/protocol/keys.js");
      const { createGithubClient } = await importFrom("generated/github/index.js");
      // Nothing listens at this vault address: the vault round trip is replaced below.
      const vault = new runtime.AlterVault({ apiKey: keys.generateApiKey().apiKey, baseUrl: "http://127.0.0.1:9", caller: "bench", retry: false });
      const env = internalsOf(vault);
      const realTransport = env.transport;
      // The vault's answer is already in hand and so is the credential (unsealing is vault-leg
      // work, counted in the CPU table): what is measured is everything the runtime does on the
      // provider leg: URL building, audit context, host and scheme checks, injection, undici
      // request() through the vault's own provider Agent, decoding.
      const answer = {
        status: 200,
        nonce: "bench-nonce",
        data: { grantId: "grt_bench", credential: { alg: "A256GCM" }, injection: { type: "bearer" }, hosts: [new URL(providerOrigin).host] },
      };
      env.transport = {
        async request() {
          return answer;
        },
        unseal: () => ({ token }),
        close: () => realTransport.close(),
      };
      const github = createGithubClient(vault, { baseUrl: providerOrigin });
      const [, owner, repo] = targetPath.split("/").filter(Boolean);
      return {
        async call() {
          checkRepo(await github.repos.get("grt_bench", { owner, repo }));
        },
        close: () => vault.close(),
      };
    },
  },

  vault: {
    label: () => "(d) generated client `github.repos.get` through the runtime + local vault (retrieve mode)",
    async setup({ providerOrigin, targetPath, vault: local }) {
      if (!local) throw new Error("the local vault did not start");
      const runtime = await importFrom("dist/runtime/index.js");
      const { createGithubClient } = await importFrom("generated/github/index.js");
      const vault = new runtime.AlterVault({ apiKey: local.apiKey, baseUrl: local.baseUrl, caller: "bench", retry: false });
      const github = createGithubClient(vault, { baseUrl: providerOrigin });
      const [, owner, repo] = targetPath.split("/").filter(Boolean);
      return {
        async call() {
          checkRepo(await github.repos.get(local.grantId, { owner, repo }));
        },
        close: () => vault.close(),
      };
    },
  },
};
