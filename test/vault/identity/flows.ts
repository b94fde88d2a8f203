// Drives the vault's browser flows in headless Chromium against the test IDP.
import type { TestBrowser } from "../../support/browser.js";
import { completeIdpLogin, confirmConnect } from "../../support/browser.js";
import type { Peers } from "./harness.js";

export interface BrowserOutcome {
  /** data-outcome of the vault's result page: completed, connected, denied, signed-in, error. */
  outcome: string | null;
  message: string | null;
  /** The technical details under the page's disclosure (a provider's error), if any. */
  details: string | null;
  /** The URL the browser ended on (the vault's callback with code and state). */
  url: string;
}

/** Opens a vault page (connect or login URL) and goes through the IDP as `username`. */
export async function runInBrowser(browser: TestBrowser, peers: Peers, url: string, username: string, consent: "allow" | "deny" = "allow"): Promise<BrowserOutcome> {
  // A fresh IDP session per flow, so the user is who we say.
  await browser.context.clearCookies();
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await confirmConnect(page);
    await completeIdpLogin(page, { issuer: peers.idp.issuer, username, consent });
    const message = page.locator("#message");
    const details = page.locator("#details");
    return {
      outcome: await message.getAttribute("data-outcome"),
      message: await message.textContent(),
      details: (await details.count()) > 0 ? await details.textContent() : null,
      url: page.url(),
    };
  } finally {
    await page.close();
  }
}

/**
 * Does over plain HTTP what a browser does on the confirmation page: reads the form and its CSRF
 * cookie from `page` (the answer to GET connectUrl), posts "continue", and returns the Location
 * the vault redirects to (the provider's authorize URL).
 */
export async function pressConfirm(connectUrl: string, page: Response): Promise<string> {
  const html = await page.text();
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error("no confirmation form on the page");
  const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0]!;
  const res = await fetch(new URL(action, connectUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ state: field("state"), provider: field("provider"), csrf: field("csrf"), action: "continue" }).toString(),
  });
  if (res.status !== 303) throw new Error(`the confirmation POST answered ${res.status}`);
  return res.headers.get("location")!;
}

export interface SessionStatus {
  status: string;
  grants: {
    grantId: string;
    provider: string;
    account: string | null;
    principal: { type: string; id: string | null; label: string | null };
    scopes: string[];
    status: string;
    source: string;
  }[];
  error: { code: string; message: string } | null;
}

export async function createConnect(peers: Peers, body: unknown, userToken?: string) {
  const res = await peers.transport.request<{ sessionId: string; connectUrl: string; expiresAt: string }>("POST", "/v1/connect/sessions", {
    body,
    ...(userToken ? { userToken } : {}),
  });
  return res.data;
}

export async function connectStatus(peers: Peers, sessionId: string): Promise<SessionStatus> {
  return (await peers.transport.request<SessionStatus>("GET", `/v1/connect/sessions/${sessionId}`)).data;
}

/** Retrieves the grant's credential through the signed API and unseals it. */
export async function retrieveToken(
  peers: Peers,
  grant: { grantId: string } | { provider: string; account?: string },
  userToken?: string,
  rejectedCredential?: string,
): Promise<string> {
  const request = { operationId: "users/getAuthenticated", method: "GET", url: "https://api.github.com/user", rejectedCredential };
  const res = await peers.transport.request<{ credential: unknown }>("POST", "/v1/credentials/retrieve", {
    body: { grant, provider: "github", request },
    ...(userToken ? { userToken } : {}),
  });
  return peers.transport.unseal<{ token: string }>(res.data.credential, res.nonce).token;
}
