// One read operation per catalog provider, end to end: the checked-in generated client, the real
// local vault (one for all providers, each pointed at its own stand-in on loopback) and a
// stand-in that validates the request against the provider's pinned document and checks the
// credential sits where the catalog's injection puts it. Providers run concurrently, so 33 of
// them cost about what the slowest does.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlterVault, type GrantRef } from "alter-gen/runtime";
import { createAsanaClient } from "alter-gen/generated/asana";
import { createBitbucketClient } from "alter-gen/generated/bitbucket";
import { createBoxClient } from "alter-gen/generated/box";
import { createDigitaloceanClient } from "alter-gen/generated/digitalocean";
import { createGithubClient } from "alter-gen/generated/github";
import { createGmailClient } from "alter-gen/generated/gmail";
import { createGoogleCalendarClient } from "alter-gen/generated/google-calendar";
import { createGoogleDocsClient } from "alter-gen/generated/google-docs";
import { createGoogleDriveClient } from "alter-gen/generated/google-drive";
import { createGooglePeopleClient } from "alter-gen/generated/google-people";
import { createGoogleSheetsClient } from "alter-gen/generated/google-sheets";
import { createGoogleTasksClient } from "alter-gen/generated/google-tasks";
import { createHubspotFilesClient } from "alter-gen/generated/hubspot-files";
import { createJiraClient } from "alter-gen/generated/jira";
import { createLaunchdarklyClient } from "alter-gen/generated/launchdarkly";
import { createMicrosoftGraphClient } from "alter-gen/generated/microsoft-graph";
import { createMuxClient } from "alter-gen/generated/mux";
import { createNetlifyClient } from "alter-gen/generated/netlify";
import { createNotionClient } from "alter-gen/generated/notion";
import { createOpenaiClient } from "alter-gen/generated/openai";
import { createPlaidClient } from "alter-gen/generated/plaid";
import { createSendgridClient } from "alter-gen/generated/sendgrid";
import { createSlackClient } from "alter-gen/generated/slack";
import { createSpotifyClient } from "alter-gen/generated/spotify";
import { createSquareClient } from "alter-gen/generated/square";
import { createStripeClient } from "alter-gen/generated/stripe";
import { createTrelloClient } from "alter-gen/generated/trello";
import { createTwilioClient } from "alter-gen/generated/twilio";
import { createVercelClient } from "alter-gen/generated/vercel";
import { createXClient } from "alter-gen/generated/x";
import { createXeroClient } from "alter-gen/generated/xero";
import { createYoutubeClient } from "alter-gen/generated/youtube";
import { createZoomClient } from "alter-gen/generated/zoom";
import { loadCatalog } from "../../catalog/index.js";
import { addManagedSecret, initVault, issueGrant, setProviderConfig, startVault, type RunningVault } from "../support/vault-admin.js";
import { startProviderStandin, type Standin } from "../../standins/index.js";

type Call = (vault: AlterVault, baseUrl: string, grant: GrantRef) => Promise<unknown>;

/** One read operation per provider, as an application would write it. */
const CALLS: Record<string, [operation: string, call: Call]> = {
  github: ["GET /user", (v, baseUrl, g) => createGithubClient(v, { baseUrl }).users.getAuthenticated(g)],
  slack: ["GET /auth.test", (v, baseUrl, g) => createSlackClient(v, { baseUrl }).auth.test(g)],
  stripe: ["GET /v1/customers", (v, baseUrl, g) => createStripeClient(v, { baseUrl }).customers.list(g, { limit: 3 })],
  "google-calendar": ["GET /colors", (v, baseUrl, g) => createGoogleCalendarClient(v, { baseUrl }).colors.get(g)],
  notion: ["GET /v1/comments", (v, baseUrl, g) => createNotionClient(v, { baseUrl }).comments.list(g, { block_id: "b55c9c91-384d-452b-81db-d1ef79372b75" })],
  jira: ["GET /rest/api/3/label", (v, baseUrl, g) => createJiraClient(v, { baseUrl }).labels.getAllLabels(g)],
  asana: ["GET /tags", (v, baseUrl, g) => createAsanaClient(v, { baseUrl }).tags.getTags(g, { workspace: "1331" })],
  zoom: ["GET /roles", (v, baseUrl, g) => createZoomClient(v, { baseUrl }).roles.roles(g)],
  "microsoft-graph": ["GET /me", (v, baseUrl, g) => createMicrosoftGraphClient(v, { baseUrl }).me.retrieve(g)],
  "google-drive": ["GET /about", (v, baseUrl, g) => createGoogleDriveClient(v, { baseUrl }).about.get(g, { fields: "user" })],
  gmail: ["GET /gmail/v1/users/{userId}/profile", (v, baseUrl, g) => createGmailClient(v, { baseUrl }).users.getProfile(g, { userId: "me" })],
  "google-sheets": ["GET /v4/spreadsheets/{spreadsheetId}", (v, baseUrl, g) => createGoogleSheetsClient(v, { baseUrl }).spreadsheets.get(g, { spreadsheetId: "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms" })],
  "google-docs": ["GET /v1/documents/{documentId}", (v, baseUrl, g) => createGoogleDocsClient(v, { baseUrl }).documents.get(g, { documentId: "195j9eDD3ccgjQRttHhJPymLJUCOUjs-jmwTrekvdjFE" })],
  "google-tasks": ["GET /tasks/v1/users/@me/lists", (v, baseUrl, g) => createGoogleTasksClient(v, { baseUrl }).tasklists.list(g)],
  "google-people": ["GET /v1/contactGroups", (v, baseUrl, g) => createGooglePeopleClient(v, { baseUrl }).contactGroups.list(g)],
  youtube: ["GET /youtube/v3/channels", (v, baseUrl, g) => createYoutubeClient(v, { baseUrl }).channels.list(g, { part: ["snippet"], mine: true })],
  bitbucket: ["GET /user", (v, baseUrl, g) => createBitbucketClient(v, { baseUrl }).users.retrieve(g)],
  box: ["GET /users/me", (v, baseUrl, g) => createBoxClient(v, { baseUrl }).users.getUsersMe(g)],
  twilio: ["GET /2010-04-01/Accounts.json", (v, baseUrl, g) => createTwilioClient(v, { baseUrl }).accounts.list(g)],
  "hubspot-files": ["GET /files/v3/files/search", (v, baseUrl, g) => createHubspotFilesClient(v, { baseUrl }).files.v3FilesSearchDoSearch(g)],
  digitalocean: ["GET /v2/account", (v, baseUrl, g) => createDigitaloceanClient(v, { baseUrl }).account.accountGet(g)],
  spotify: ["GET /me", (v, baseUrl, g) => createSpotifyClient(v, { baseUrl }).users.getCurrentUsersProfile(g)],
  xero: ["GET /Users", (v, baseUrl, g) => createXeroClient(v, { baseUrl }).accounting.getUsers(g, { "xero-tenant-id": "e2e0e8a6-0c6f-4a7a-9d6f-5c1a1f0b9c11" })],
  square: ["GET /v2/locations", (v, baseUrl, g) => createSquareClient(v, { baseUrl }).locations.listLocations(g)],
  sendgrid: ["GET /alerts", (v, baseUrl, g) => createSendgridClient(v, { baseUrl }).alerts.getAlerts(g)],
  vercel: ["GET /v2/user", (v, baseUrl, g) => createVercelClient(v, { baseUrl }).user.getAuthUser(g)],
  netlify: ["GET /user", (v, baseUrl, g) => createNetlifyClient(v, { baseUrl }).user.getCurrentUser(g)],
  openai: ["GET /models", (v, baseUrl, g) => createOpenaiClient(v, { baseUrl }).openAI.listModels(g)],
  x: ["GET /2/users/me", (v, baseUrl, g) => createXClient(v, { baseUrl }).users.findMyUser(g)],
  launchdarkly: ["GET /", (v, baseUrl, g) => createLaunchdarklyClient(v, { baseUrl }).root.getRoot(g)],
  mux: ["GET /video/v1/assets", (v, baseUrl, g) => createMuxClient(v, { baseUrl }).assets.listAssets(g)],
  // Trello's document declares no response bodies, so the answer is read with its status.
  // Plaid: two credential headers at once, and the version header the catalog adds to every call.
  plaid: ["POST /categories/get", (v, baseUrl, g) => createPlaidClient(v, { baseUrl }).categories.categoriesGet(g, { body: {} })],
  trello: ["GET /members/{idMember}", (v, baseUrl, g) => createTrelloClient(v, { baseUrl }).member.getMembersByIdMember.withResponse(g, { idMember: "me" })],
};

const catalog = await loadCatalog();
let dataDir: string;
let vault: RunningVault;
let client: AlterVault;
const standins: Record<string, Standin> = {};
const grants: Record<string, string> = {};
const timings: [string, number][] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "alter-catalog-smoke-"));
  const init = await initVault({ dataDir, env: {} });
  await Promise.all(catalog.providers.map(async (p) => void (standins[p.id] = await startProviderStandin(p.id))));
  for (const p of catalog.providers) {
    const standin = standins[p.id]!;
    await setProviderConfig({ dataDir, provider: p.id, baseUrl: standin.url, hosts: [new URL(standin.url).host] });
    // Basic providers (Twilio, Mux) take an id and a secret; multi ones (Trello's key and token)
    // a JSON object with one field per part; the others a token.
    const basic = p.injection.type === "basic";
    const parts = p.injection.type === "multi" ? p.injection.parts : undefined;
    const fields = parts && Object.fromEntries(parts.map((part) => [part.field, `CANARY-${part.field}-${p.id}-5d1e`]));
    const value = fields ? JSON.stringify(fields) : basic ? `AC${p.id.length}e2e:CANARY-secret-${p.id}` : `CANARY-token-${p.id}-7f3a`;
    const type = fields ? { type: "fields" as const } : basic ? { type: "basic" as const } : {};
    const secret = await addManagedSecret({ dataDir, provider: p.id, value, label: "smoke", ...type });
    grants[p.id] = (await issueGrant({ dataDir, secretId: secret.id, principal: "system" })).grantId;
    const colon = value.indexOf(":");
    // A multi credential is checked as the JSON object of its fields, in part order.
    standin.expectCredential(basic ? { username: value.slice(0, colon), password: value.slice(colon + 1) } : value);
  }
  // The stand-ins share this process with the vault and compile each operation's schemas on
  // first use (Graph's user schema reaches hundreds): the event loop can stall for seconds on a
  // loaded machine, longer than the vault's 10 s header timeout meant for slow clients.
  vault = await startVault({ dataDir, port: 0, limits: { headersTimeoutMs: 60_000, requestTimeoutMs: 120_000 } });
  // The vault refuses requests signed in the second it started (possible replays from before).
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
  client = new AlterVault({ apiKey: init.apiKey, baseUrl: vault.url, retry: false, timeoutMs: 90_000 });
}, 120_000);

afterAll(async () => {
  await client?.close();
  await Promise.allSettled([vault?.close(), ...Object.values(standins).map((s) => s.close())]);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("one read operation per catalog provider, through the vault to a validating stand-in", () => {
  it("covers every provider of the catalog", () => {
    expect(Object.keys(CALLS).sort()).toEqual(catalog.providers.map((p) => p.id).sort());
  });

  it("every call is valid for its document and carries the credential where the catalog says", async () => {
    const results = await inPool(
      6,
      Object.entries(CALLS).map(([id, [operation, call]]) => async () => {
        const standin = standins[id]!;
        const t0 = performance.now();
        try {
          const data = await call(client, standin.url, grants[id]!);
          const request = standin.requests.at(-1);
          timings.push([id, Math.round(performance.now() - t0)]);
          return { id, ok: data !== undefined, operation: request && `${request.method} ${request.path}`, status: request?.status, problems: request?.problems ?? ["no request reached the stand-in"] };
        } catch (error) {
          return { id, ok: false, operation, status: undefined, problems: [String((error as Error).message)] };
        }
      }),
    );
    // One table, so a failure shows every provider's outcome at once.
    const want = Object.entries(CALLS).map(([id, [operation]]) => ({ id, ok: true, operation: matchPath(operation), status: 200, problems: [] }));
    const slowest = timings.sort((a, b) => b[1] - a[1]).slice(0, 5).map(([id, ms]) => `${id} ${ms} ms`).join(", ");
    expect(results, `slowest: ${slowest}`).toEqual(want);
  }, 120_000);
});

/** Runs `tasks` with at most `size` in flight, results in order. */
async function inPool<T>(size: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, tasks.length) }, worker));
  return results;
}

/** The stand-in records the concrete path; the table names the document's template. */
function matchPath(template: string): unknown {
  const pattern = new RegExp("^" + template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+") + "$");
  return expect.stringMatching(pattern);
}
