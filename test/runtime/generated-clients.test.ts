// Generated clients (generated/<id>) through the runtime, against the local vault and each
// provider's stand-in, which validates every request against the provider's pinned document:
// parameter serialisation, body encodings and every catalog pagination style.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlterVault } from "alter-gen/runtime";
import { createGithubClient } from "alter-gen/generated/github";
import { createSlackClient } from "alter-gen/generated/slack";
import { createStripeClient } from "alter-gen/generated/stripe";
import { createJiraClient } from "alter-gen/generated/jira";
import { createAsanaClient } from "alter-gen/generated/asana";
import { createZoomClient } from "alter-gen/generated/zoom";
import { createGoogleCalendarClient } from "alter-gen/generated/google-calendar";
import { createNotionClient, provider as notionProvider } from "alter-gen/generated/notion";
import { bindOperations, type OperationTable } from "alter-gen/runtime";
import { Readable } from "node:stream";
import { ProviderAPIError } from "alter-gen/runtime";
import { serverError } from "../../standins/index.js";
import { startPeers, type Peers } from "./support/peers.js";

interface Setup {
  peers: Peers;
  vault: AlterVault;
  grantId: string;
}

const setups = new Map<string, Setup>();
async function setup(id: string): Promise<Setup> {
  let s = setups.get(id);
  if (!s) {
    const peers = await startPeers(id);
    const grantId = await peers.grant(`tok_${id.replace(/-/g, "")}_0123456789`);
    const vault = new AlterVault({ apiKey: peers.apiKey, baseUrl: peers.vault.url, retry: false });
    s = { peers, vault, grantId };
    setups.set(id, s);
  }
  return s;
}

afterAll(async () => {
  for (const s of setups.values()) {
    await s.vault.close();
    await s.peers.close();
  }
});

/** The requests the stand-in saw since `from`, asserting the document found nothing wrong. */
function valid(peers: Peers, from: number) {
  const seen = peers.standin.requests.slice(from);
  for (const r of seen) expect(r.problems, `${r.method} ${r.url}`).toEqual([]);
  return seen;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("pagination styles through generated clients", () => {
  it("link-header (GitHub repos.listForOrg)", async () => {
    const { peers, vault, grantId } = await setup("github");
    const gh = createGithubClient(vault, { baseUrl: peers.standin.url });
    peers.standin.paginate("repos/list-for-org", { pages: 3, perPage: 2 });
    const from = peers.standin.requests.length;
    const repos = await collect(gh.repos.listForOrg.paginate(grantId, { org: "nodejs", per_page: 2 }));
    expect(repos).toHaveLength(6);
    expect(valid(peers, from)).toHaveLength(3);
  });

  it("cursor in the query (Slack conversations.list)", async () => {
    const { peers, vault, grantId } = await setup("slack");
    const slack = createSlackClient(vault, { baseUrl: peers.standin.url });
    peers.standin.paginate("conversations_list", { pages: 3, perPage: 2 });
    const from = peers.standin.requests.length;
    const channels = await collect(slack.conversations.list.paginate(grantId, { limit: 2 }));
    expect(channels).toHaveLength(6);
    const seen = valid(peers, from);
    expect(seen[0]!.query.cursor).toBeUndefined();
    expect(seen[1]!.query.cursor).toBeTypeOf("string");
  });

  it("item cursor (Stripe customers)", async () => {
    const { peers, vault, grantId } = await setup("stripe");
    const stripe = createStripeClient(vault, { baseUrl: peers.standin.url });
    peers.standin.paginate("GetCustomers", { pages: 3, perPage: 2 });
    const from = peers.standin.requests.length;
    const customers = await collect(stripe.customers.list.paginate(grantId, { limit: 2, expand: ["data.default_source"] }));
    expect(customers).toHaveLength(6);
    const seen = valid(peers, from);
    expect(seen[1]!.query.starting_after).toBe((customers[1] as { id: string }).id);
  });

  it("offset (Jira dashboards), with the base URL's {cloudId} filled by the client's baseUrl", async () => {
    const { peers, vault, grantId } = await setup("jira");
    const jira = createJiraClient(vault, { baseUrl: peers.standin.url });
    peers.standin.paginate("getAllDashboards", { pages: 3, perPage: 2 });
    const from = peers.standin.requests.length;
    const dashboards = await collect(jira.dashboards.getAllDashboards.paginate(grantId, { maxResults: 2 }));
    expect(dashboards).toHaveLength(6);
    expect(valid(peers, from).map((r) => r.query.startAt)).toEqual([undefined, "2", "4"]);
  });

  it("cursor at a nested path (Asana next_page.offset)", async () => {
    const { peers, vault, grantId } = await setup("asana");
    const asana = createAsanaClient(vault, { baseUrl: peers.standin.url });
    peers.standin.paginate("getGoals", { pages: 3, perPage: 2 });
    const from = peers.standin.requests.length;
    const goals = await collect(asana.goals.getGoals.paginate(grantId, { limit: 2, workspace: "1", opt_fields: ["name", "owner"] }));
    expect(goals).toHaveLength(6);
    const seen = valid(peers, from);
    expect(seen[0]!.url).toContain("opt_fields=name,owner");
  });

  it("next_page_token (Zoom users)", async () => {
    const { peers, vault, grantId } = await setup("zoom");
    const zoom = createZoomClient(vault, { baseUrl: peers.standin.url });
    peers.standin.paginate("users", { pages: 3, perPage: 2 });
    const from = peers.standin.requests.length;
    const users = await collect(zoom.users.users.paginate(grantId, { page_size: 2 }));
    expect(users).toHaveLength(6);
    valid(peers, from);
  });

  it("pageToken (Google Calendar events), pages() yields typed pages", async () => {
    const { peers, vault, grantId } = await setup("google-calendar");
    const cal = createGoogleCalendarClient(vault, { baseUrl: peers.standin.url });
    peers.standin.paginate("calendar.events.list", { pages: 3, perPage: 2 });
    const from = peers.standin.requests.length;
    const pages = await collect(cal.events.list.pages(grantId, { calendarId: "primary", maxResults: 2 }));
    expect(pages).toHaveLength(3);
    expect(pages.flatMap((p) => p.items ?? [])).toHaveLength(6);
    valid(peers, from);
  });

  it("cursor in a POST body (Notion database query), with the catalog's Notion-Version header", async () => {
    const { peers, vault, grantId } = await setup("notion");
    // The generated table does not mark this operation as paginated; the runtime's behaviour
    // for a paginated POST query is what is checked here.
    const table = { query: { id: "queryADatabase", method: "POST", path: "/v1/databases/{id}/query", params: { id: "path" }, body: { kind: "json", mediaType: "application/json" }, paginate: { items: "results" } } } satisfies OperationTable;
    const db = bindOperations<Record<"query", any>>(vault, notionProvider, table, { baseUrl: peers.standin.url });
    peers.standin.paginate("queryADatabase", { pages: 3, perPage: 2 });
    const from = peers.standin.requests.length;
    const rows = await collect(db.query.paginate(grantId, { id: "d1", body: { page_size: 2 } }));
    expect(rows).toHaveLength(6);
    const seen = valid(peers, from);
    expect(seen.map((r) => r.headers["notion-version"])).toEqual(["2022-06-28", "2022-06-28", "2022-06-28"]);
    expect((seen[0]!.body as Record<string, unknown>).start_cursor).toBeUndefined();
    expect((seen[1]!.body as Record<string, unknown>).start_cursor).toBeTypeOf("string");
    expect((seen[1]!.body as Record<string, unknown>).page_size).toBe(2);
    // The generated client sends the header too.
    const notion = createNotionClient(vault, { baseUrl: peers.standin.url });
    await notion.databases.retrieve(grantId, { id: "d1" });
    expect(valid(peers, from + 3)[0]!.headers["notion-version"]).toBe("2022-06-28");
  });
});

describe("body encodings through generated clients", () => {
  it("form (Slack chat.postMessage), nested values as JSON strings", async () => {
    const { peers, vault, grantId } = await setup("slack");
    const slack = createSlackClient(vault, { baseUrl: peers.standin.url });
    const from = peers.standin.requests.length;
    await slack.chat.postMessage(grantId, { body: { channel: "C123", text: "hello & welcome", blocks: JSON.stringify([{ type: "divider" }]) } });
    const [req] = valid(peers, from);
    expect(req!.headers["content-type"]).toContain("application/x-www-form-urlencoded");
    expect(new URLSearchParams(req!.rawBody).get("text")).toBe("hello & welcome");
  });

  it("form with nested objects and arrays (Stripe customers create: metadata, preferred_locales)", async () => {
    const { peers, vault, grantId } = await setup("stripe");
    const stripe = createStripeClient(vault, { baseUrl: peers.standin.url });
    const from = peers.standin.requests.length;
    await stripe.customers.create(
      grantId,
      { body: { email: "a@example.com", name: "Ada", metadata: { plan: "pro" }, preferred_locales: ["en", "fr"] } },
      { idempotencyKey: "cus-create-1" },
    );
    const [req] = valid(peers, from);
    expect(req!.headers["idempotency-key"]).toBe("cus-create-1");
    const sent = new URLSearchParams(req!.rawBody);
    expect(sent.get("email")).toBe("a@example.com");
    expect(sent.get("metadata[plan]")).toBe("pro");
    expect(sent.get("preferred_locales[1]")).toBe("fr");
  });

  it("multipart with a file and text fields (Asana createAttachmentForObject)", async () => {
    const { peers, vault, grantId } = await setup("asana");
    const asana = createAsanaClient(vault, { baseUrl: peers.standin.url });
    const from = peers.standin.requests.length;
    await asana.attachments.createAttachmentForObject(grantId, {
      body: { resource_subtype: "asana", parent: "1204", file: new File(["log line\n"], "build.log", { type: "text/plain" }) },
    });
    const [req] = valid(peers, from);
    expect(req!.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(req!.rawBody).toContain("log line");
    expect(req!.rawBody).toContain('name="file"; filename="build.log"');
    expect(req!.rawBody).toContain('name="parent"');
  });

  it("binary: bytes are replayed on retry; a stream is sent once and never retried (Jira storeAvatar)", async () => {
    const { peers, grantId } = await setup("jira");
    await using vault = new AlterVault({ apiKey: peers.apiKey, baseUrl: peers.vault.url, retry: { baseDelayMs: 1, maxDelayMs: 2 } });
    const jira = createJiraClient(vault, { baseUrl: peers.standin.url });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const params = { type: "project" as const, entityId: "10000", size: 16 };

    let from = peers.standin.requests.length;
    peers.standin.script("storeAvatar", serverError(503));
    await jira.avatars.storeAvatar(grantId, { ...params, body: png }, { idempotencyKey: "avatar-1", headers: { "X-Atlassian-Token": "no-check" } });
    let seen = peers.standin.requests.slice(from);
    expect(seen.map((r) => r.status)).toEqual([503, 201]);
    expect(seen[0]!.rawBody).toBe(seen[1]!.rawBody);
    expect(seen[1]!.headers["content-type"]).toBe("application/octet-stream");
    expect(seen[1]!.problems).toEqual([]);

    from = peers.standin.requests.length;
    peers.standin.script("storeAvatar", serverError(503));
    const err = await jira.avatars
      .storeAvatar(grantId, { ...params, body: Readable.toWeb(Readable.from([Buffer.from(png)])) as ReadableStream<Uint8Array> }, { idempotencyKey: "avatar-2", headers: { "X-Atlassian-Token": "no-check" } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderAPIError);
    expect((err as ProviderAPIError).status).toBe(503);
    seen = peers.standin.requests.slice(from);
    expect(seen).toHaveLength(1);
    expect(Buffer.from(seen[0]!.rawBody, "latin1").length).toBeGreaterThan(0);
  });
});
