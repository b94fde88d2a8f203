// Every pagination style of the catalog, end to end for a signed-in end user: `.paginate()` in
// proxy mode and `.pages()` in retrieve mode, through the generated clients, with `asUser()`
// resolving alice's grant (her connected GitHub account, managed grants elsewhere). Three pages
// each; one audit row per page request, carrying the run's context and the page's URL.
// (test/runtime/generated-clients.test.ts covers the same styles with app grants in retrieve mode.)
// Notion's cursor travels in the JSON body of its POST database query (declared by
// specs/notion/fixes.yaml, since the pinned document omits it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asUser, type AlterVault } from "alter-gen/runtime";
import { createGithubClient } from "alter-gen/generated/github";
import { createSlackClient } from "alter-gen/generated/slack";
import { createStripeClient } from "alter-gen/generated/stripe";
import { createJiraClient } from "alter-gen/generated/jira";
import { createNotionClient } from "alter-gen/generated/notion";
import { auditDuring, callRows, startE2E, type E2E } from "../support/e2e.js";

let world: E2E;
let alice: AlterVault;

beforeAll(async () => {
  world = await startE2E({ providers: ["github", "slack", "stripe", "jira", "notion"] });
  alice = world.client({ caller: "e2e-pagination", callerType: "agent", retry: false });
  await world.signIn(alice, "alice");
  await world.connect(alice, "github", "alice");
  await world.managedGrant("slack", "xoxp-alice-pages-CANARY-01", { principal: "user:alice" });
  await world.managedGrant("stripe", "sk_test_alicePagesCANARY01", { principal: "user:alice" });
  await world.managedGrant("jira", "jira-alice-pages-CANARY-01", { principal: "user:alice" });
  await world.managedGrant("notion", "secret_alicePagesCANARY01", { principal: "user:alice" });
}, 120_000);

afterAll(async () => {
  await world?.close();
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

interface Style {
  provider: string;
  operationId: string;
  items(mode: "proxy" | "retrieve", runId: string): Promise<unknown[]>;
  pages(mode: "proxy" | "retrieve", runId: string): Promise<unknown[][]>;
  /** How the 2nd and 3rd requests asked for their page. */
  followUp(query: Record<string, string | string[]>, url: string, body: unknown): string | undefined;
  method?: string;
}

const base = (id: string) => ({ baseUrl: world.standins[id]!.url });

const STYLES: Record<string, Style> = {
  "link-header (GitHub)": {
    provider: "github",
    operationId: "repos/list-for-org",
    items: (mode, runId) => collect(createGithubClient(alice, { ...base("github"), mode }).repos.listForOrg.paginate(asUser(), { org: "acme", per_page: 2 }, { runId })),
    pages: async (mode, runId) => await collect(createGithubClient(alice, { ...base("github"), mode }).repos.listForOrg.pages(asUser(), { org: "acme", per_page: 2 }, { runId })),
    followUp: (q) => q.page as string,
  },
  "cursor (Slack)": {
    provider: "slack",
    operationId: "conversations_list",
    items: (mode, runId) => collect(createSlackClient(alice, { ...base("slack"), mode }).conversations.list.paginate(asUser(), { limit: 2 }, { runId })),
    pages: async (mode, runId) =>
      (await collect(createSlackClient(alice, { ...base("slack"), mode }).conversations.list.pages(asUser(), { limit: 2 }, { runId }))).map((p) => p.channels ?? []),
    followUp: (q) => q.cursor as string,
  },
  "item-cursor (Stripe)": {
    provider: "stripe",
    operationId: "GetCustomers",
    items: (mode, runId) => collect(createStripeClient(alice, { ...base("stripe"), mode }).customers.list.paginate(asUser(), { limit: 2 }, { runId })),
    pages: async (mode, runId) => (await collect(createStripeClient(alice, { ...base("stripe"), mode }).customers.list.pages(asUser(), { limit: 2 }, { runId }))).map((p) => p.data),
    followUp: (q) => q.starting_after as string,
  },
  "offset (Jira)": {
    provider: "jira",
    operationId: "getAllDashboards",
    items: (mode, runId) => collect(createJiraClient(alice, { ...base("jira"), mode }).dashboards.getAllDashboards.paginate(asUser(), { maxResults: 2 }, { runId })),
    pages: async (mode, runId) =>
      (await collect(createJiraClient(alice, { ...base("jira"), mode }).dashboards.getAllDashboards.pages(asUser(), { maxResults: 2 }, { runId }))).map((p) => p.dashboards ?? []),
    followUp: (q) => q.startAt as string,
  },
  "cursor in the body (Notion)": {
    provider: "notion",
    operationId: "queryADatabase",
    method: "POST",
    items: (mode, runId) => collect(createNotionClient(alice, { ...base("notion"), mode }).databases.query.paginate(asUser(), { id: "db1", body: { page_size: 2 } }, { runId })),
    pages: async (mode, runId) =>
      (await collect(createNotionClient(alice, { ...base("notion"), mode }).databases.query.pages(asUser(), { id: "db1", body: { page_size: 2 } }, { runId }))).map((p) => p.results ?? []),
    followUp: (_q, _url, body) => (body as { start_cursor?: string } | undefined)?.start_cursor,
  },
};

describe.each(Object.keys(STYLES))("%s", (name) => {
  const style = STYLES[name]!;
  it.each([
    ["paginate", "proxy"],
    ["pages", "retrieve"],
  ] as const)("%s() in %s mode walks three pages as alice, one audit row per page", async (how, mode) => {
    const st = world.standins[style.provider]!;
    st.paginate(style.operationId, { pages: 3, perPage: 2 });
    const runId = `run-${style.provider}-${how}`;
    const from = st.requests.length;
    const { result, rows } = await auditDuring(world, async () => (how === "paginate" ? style.items(mode, runId) : style.pages(mode, runId)));

    const seen = st.requests.slice(from);
    expect(seen).toHaveLength(3);
    for (const r of seen) expect(r.problems, r.url).toEqual([]);
    expect(style.followUp(seen[0]!.query, seen[0]!.url, seen[0]!.body)).toBeUndefined();
    expect(style.followUp(seen[1]!.query, seen[1]!.url, seen[1]!.body)).toBeTypeOf("string");
    expect(style.followUp(seen[2]!.query, seen[2]!.url, seen[2]!.body)).not.toBe(style.followUp(seen[1]!.query, seen[1]!.url, seen[1]!.body));

    if (how === "pages") {
      const pages = result as unknown[][];
      expect(pages.map((p) => p.length)).toEqual([2, 2, 2]);
    } else {
      const items = result as { id?: unknown }[];
      expect(items).toHaveLength(6);
      // Items from three different pages, not one page thrice.
      expect(new Set(items.map((i) => JSON.stringify(i))).size).toBe(6);
    }

    const calls = callRows(rows);
    expect(calls).toHaveLength(3);
    for (const [i, row] of calls.entries()) {
      expect(row).toMatchObject({
        action: mode === "proxy" ? "proxy.call" : "credential.retrieve",
        caller: "e2e-pagination",
        callerType: "agent",
        principalType: "user",
        provider: style.provider,
        operationId: style.operationId,
        method: style.method ?? "GET",
        runId,
        outcome: "success",
      });
      // The URL of that page, as the stand-in received it (under the stand-in's base path).
      expect(row.url).toBe(st.origin + seen[i]!.url);
    }
  });
});

describe("secrets", () => {
  it("no token in the audit log, the logs or the data folder", async () => {
    expect(await world.findSecrets()).toEqual([]);
  });
});
