// The next-url and page pagination styles end to end: the checked-in generated clients, the real
// local vault and stand-ins that validate every request against the provider's pinned document
// and check the credential's place. Microsoft Graph answers a whole @odata.nextLink, Twilio a
// next_page_uri relative to its host, DigitalOcean links.pages.next, Mux and Xero page numbers
// until an empty page. Each walks three pages with `.paginate()` in proxy mode and `.pages()` in
// retrieve mode. A next URL to another origin is refused before anything is sent there.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlterVault } from "alter-gen/runtime";
import { createDigitaloceanClient } from "alter-gen/generated/digitalocean";
import { createMicrosoftGraphClient } from "alter-gen/generated/microsoft-graph";
import { createMuxClient } from "alter-gen/generated/mux";
import { createTwilioClient } from "alter-gen/generated/twilio";
import { createXeroClient } from "alter-gen/generated/xero";
import { findProvider, loadCatalog } from "../../catalog/index.js";
import { addManagedSecret, initVault, issueGrant, setProviderConfig, startVault, type RunningVault } from "../support/vault-admin.js";
import { startProviderStandin, type Standin } from "../../standins/index.js";

type Mode = "proxy" | "retrieve";
const PROVIDERS = ["microsoft-graph", "twilio", "digitalocean", "mux", "xero"] as const;
const TENANT = "e2e0e8a6-0c6f-4a7a-9d6f-5c1a1f0b9c11";

let dataDir: string;
let vault: RunningVault;
let client: AlterVault;
const standins: Record<string, Standin> = {};
const grants: Record<string, string> = {};
const secrets: string[] = [];

beforeAll(async () => {
  const catalog = await loadCatalog();
  dataDir = await mkdtemp(join(tmpdir(), "alter-next-url-"));
  const init = await initVault({ dataDir, env: {} });
  await Promise.all(PROVIDERS.map(async (id) => void (standins[id] = await startProviderStandin(id))));
  for (const id of PROVIDERS) {
    const standin = standins[id]!;
    await setProviderConfig({ dataDir, provider: id, baseUrl: standin.url, hosts: [new URL(standin.url).host] });
    const basic = findProvider(catalog, id).injection.type === "basic";
    const value = basic ? `AC${id.length}pages:CANARY-pages-${id}` : `CANARY-pages-${id}-41c2`;
    secrets.push(value);
    const secret = await addManagedSecret({ dataDir, provider: id, value, label: "pages", ...(basic ? { type: "basic" as const } : {}) });
    grants[id] = (await issueGrant({ dataDir, secretId: secret.id, principal: "system" })).grantId;
    const colon = value.indexOf(":");
    standin.expectCredential(basic ? { username: value.slice(0, colon), password: value.slice(colon + 1) } : value);
  }
  // Graph's schemas compile on first use in this process: a long header timeout, as catalog-smoke has.
  vault = await startVault({ dataDir, port: 0, limits: { headersTimeoutMs: 60_000, requestTimeoutMs: 120_000 } });
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
  client = new AlterVault({ apiKey: init.apiKey, baseUrl: vault.url, retry: false, timeoutMs: 90_000 });
}, 180_000);

afterAll(async () => {
  await client?.close();
  await Promise.allSettled([vault?.close(), ...Object.values(standins).map((s) => s.close())]);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

interface Case {
  provider: (typeof PROVIDERS)[number];
  operationId: string;
  /** Requests a three-page walk makes (the page style asks once more and gets an empty page). */
  requests: number;
  items(mode: Mode): Promise<unknown[]>;
  pages(mode: Mode): Promise<unknown[][]>;
  /** What the n-th request asked for, so the walk is seen to move on. */
  asked(query: Record<string, string | string[]>): unknown;
}

const opts = (id: string, mode: Mode) => ({ baseUrl: standins[id]!.url, mode });

const CASES: Record<string, Case> = {
  "next-url: Microsoft Graph's whole @odata.nextLink": {
    provider: "microsoft-graph",
    operationId: "me.ListMessages",
    requests: 3,
    items: (mode) => collect(createMicrosoftGraphClient(client, opts("microsoft-graph", mode)).me.listMessages.paginate(grants["microsoft-graph"]!, { $top: 2 })),
    pages: async (mode) => (await collect(createMicrosoftGraphClient(client, opts("microsoft-graph", mode)).me.listMessages.pages(grants["microsoft-graph"]!, { $top: 2 }))).map((p) => p.value ?? []),
    asked: (q) => q.$skip,
  },
  "next-url: Twilio's relative next_page_uri": {
    provider: "twilio",
    operationId: "ListMessage",
    requests: 3,
    items: (mode) => collect(createTwilioClient(client, opts("twilio", mode)).messages.list.paginate(grants.twilio!, { AccountSid: "AC0123456789abcdef0123456789abcdef", PageSize: 2 })),
    pages: async (mode) =>
      (await collect(createTwilioClient(client, opts("twilio", mode)).messages.list.pages(grants.twilio!, { AccountSid: "AC0123456789abcdef0123456789abcdef", PageSize: 2 }))).map((p) => p.messages ?? []),
    asked: (q) => q.PageToken,
  },
  "next-url: DigitalOcean's links.pages.next": {
    provider: "digitalocean",
    operationId: "droplets_list",
    requests: 3,
    items: (mode) => collect(createDigitaloceanClient(client, opts("digitalocean", mode)).droplets.dropletsList.paginate(grants.digitalocean!, { per_page: 2 })),
    pages: async (mode) => (await collect(createDigitaloceanClient(client, opts("digitalocean", mode)).droplets.dropletsList.pages(grants.digitalocean!, { per_page: 2 }))).map((p) => p.droplets ?? []),
    asked: (q) => q.page,
  },
  "page: Mux's page number until an empty page": {
    provider: "mux",
    operationId: "list-assets",
    requests: 4,
    items: (mode) => collect(createMuxClient(client, opts("mux", mode)).assets.listAssets.paginate(grants.mux!, { limit: 2 })),
    pages: async (mode) => (await collect(createMuxClient(client, opts("mux", mode)).assets.listAssets.pages(grants.mux!, { limit: 2 }))).map((p) => p.data ?? []),
    asked: (q) => q.page,
  },
  "page: Xero's page number until an empty page": {
    provider: "xero",
    operationId: "getInvoices",
    requests: 4,
    items: (mode) => collect(createXeroClient(client, opts("xero", mode)).accounting.getInvoices.paginate(grants.xero!, { "xero-tenant-id": TENANT })),
    pages: async (mode) => (await collect(createXeroClient(client, opts("xero", mode)).accounting.getInvoices.pages(grants.xero!, { "xero-tenant-id": TENANT }))).map((p) => p.Invoices ?? []),
    asked: (q) => q.page,
  },
};

describe.each(Object.keys(CASES))("%s", (name) => {
  const c = CASES[name]!;
  it.each([
    ["paginate", "proxy"],
    ["pages", "retrieve"],
  ] as const)("%s() in %s mode walks three pages, each request valid for the document", async (how, mode) => {
    const st = standins[c.provider]!;
    st.paginate(c.operationId, { pages: 3, perPage: 2 });
    const from = st.requests.length;
    const result = how === "paginate" ? await c.items(mode) : await c.pages(mode);
    const seen = st.requests.slice(from);
    expect(seen.map((r) => r.status)).toEqual(Array(c.requests).fill(200));
    for (const r of seen) expect(r.problems, r.url).toEqual([]);
    expect(seen.map((r) => r.operationId)).toEqual(Array(c.requests).fill(c.operationId));
    const asked = seen.map((r) => c.asked(r.query));
    expect(asked[0]).toBeUndefined();
    expect(new Set(asked.slice(1)).size, JSON.stringify(asked)).toBe(c.requests - 1);
    if (how === "pages") {
      expect((result as unknown[][]).map((p) => p.length)).toEqual(c.requests === 4 ? [2, 2, 2, 0] : [2, 2, 2]);
    } else {
      expect(result).toHaveLength(6);
      expect(new Set(result.map((i) => JSON.stringify(i))).size).toBe(6);
    }
  }, 120_000);
});

describe("a next URL on another origin", () => {
  it.each<[Mode]>([["proxy"], ["retrieve"]])("is refused in %s mode and nothing reaches that origin", async (mode) => {
    const graph = standins["microsoft-graph"]!;
    const elsewhere = standins.twilio!;
    const before = elsewhere.requests.length;
    graph.script("me.ListMessages", { status: 200, body: { value: [{ id: "m1" }], "@odata.nextLink": `${elsewhere.url}/v1.0/me/messages?$skip=2` } });
    const walk = collect(createMicrosoftGraphClient(client, opts("microsoft-graph", mode)).me.listMessages.pages(grants["microsoft-graph"]!, { $top: 1 }));
    await expect(walk).rejects.toMatchObject({ code: "pagination_cross_origin" });
    expect(elsewhere.requests.length).toBe(before);
  }, 120_000);
});

describe("secrets", () => {
  it("no stored secret reached the stand-ins' answers or a recorded URL", () => {
    const urls = Object.values(standins).flatMap((s) => s.requests.map((r) => r.url));
    expect(urls.length).toBeGreaterThan(20);
    for (const secret of secrets) for (const url of urls) expect(url).not.toContain(secret.split(":").pop()!);
  });
});
