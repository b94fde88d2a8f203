// The world every web-adapter test runs in: the local vault, the test IDP (real end-user JWTs for
// alice and bob), the Slack stand-in (validates against Slack's document) and one managed-secret
// grant per user. The framework-neutral route handlers below are what each framework's app wires
// up, so the three adapters are checked by the same cases (web-suite.ts).
import { request } from "node:http";
import { asUser, type AlterVault } from "alter-gen/runtime";
import { createSlackClient } from "alter-gen/generated/slack";
import { APP_CLIENT, startE2E, type E2E } from "../support/e2e.js";

export type User = "alice" | "bob";
export const USERS: readonly User[] = ["alice", "bob"];
const SLACK: Record<User, string> = { alice: "xoxp-alice-CANARY-web-5120", bob: "xoxp-bob-CANARY-web-8833" };

export interface WebWorld {
  e2e: E2E;
  vault: AlterVault;
  jwt: Record<User, string>;
  grant: Record<User, string>;
  handlers: Handlers;
  /** Errors the handlers caught, for the canary checks. */
  caught: unknown[];
  close(): Promise<void>;
}

/** What a route does once the adapter let the request in; each returns the JSON to answer. */
export interface Handlers {
  /** GET: lists channels as the request's user. */
  channels(): Promise<unknown>;
  /** POST with a JSON body: posts `text` as the request's user; throws when it is not a string. */
  post(body: unknown): Promise<unknown>;
  /** GET on an optional route: the user's call when there is one, else the error's code. */
  optional(): Promise<unknown>;
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startWebWorld(caller: string): Promise<WebWorld> {
  const e2e = await startE2E({ providers: ["slack"] });
  const vault = e2e.client({ caller, retry: false });
  const jwt = { alice: "", bob: "" };
  const grant = { alice: "", bob: "" };
  for (const user of USERS) {
    jwt[user] = (await e2e.idp.login(user, { clientId: APP_CLIENT.clientId })).idToken;
    grant[user] = await e2e.managedGrant("slack", SLACK[user], { principal: `user:${user}`, account: `${user}-workspace` });
  }
  const slack = createSlackClient(vault, { baseUrl: e2e.standins.slack!.url });
  const caught: unknown[] = [];
  // A short, varying wait before each call, so that other requests' handlers run in between.
  let n = 0;
  const handlers: Handlers = {
    async channels() {
      await tick(n++ % 4);
      await slack.conversations.list(asUser(), { limit: 1 });
      return { ok: true };
    },
    async post(body) {
      await tick(n++ % 4);
      const text = (body as { text?: unknown }).text;
      if (typeof text !== "string") throw new Error("text must be a string");
      await slack.chat.postMessage(asUser(), { body: { channel: "C1", text } });
      return { ok: true };
    },
    async optional() {
      try {
        await slack.conversations.list(asUser(), { limit: 1 });
        return { user: true };
      } catch (error) {
        caught.push(error);
        return { user: false, code: (error as { code?: string }).code };
      }
    },
  };
  return { e2e, vault, jwt, grant, handlers, caught, close: () => e2e.close() };
}

export interface Sent {
  method?: "GET" | "POST";
  path: string;
  /** A value array sends the header once per value. */
  headers?: Record<string, string | string[]>;
  json?: unknown;
}

export interface Received {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: any;
}

/** One request over a real socket with node:http (fetch would merge repeated headers). */
export function send(base: string, sent: Sent): Promise<Received> {
  const body = sent.json === undefined ? undefined : JSON.stringify(sent.json);
  const headers: Record<string, string | string[]> = { ...sent.headers };
  if (body !== undefined) headers["content-type"] = "application/json";
  return new Promise((resolve, reject) => {
    const req = request(new URL(sent.path, base), { method: sent.method ?? "GET", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode!, headers: res.headers, text, body: parsed });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}
