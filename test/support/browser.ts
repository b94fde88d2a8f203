// The packaged Chromium (test/support/chromium.ts) driven by playwright-core, for browser flows
// (connect, authenticate, approvals). Each launch gets a fresh user-data-dir, so no cookie or IDP
// session leaks between tests. A browser that cannot start is one BrowserSetupError naming the fix,
// within LAUNCH_TIMEOUT_MS, never a test timing out later on a page nobody opened.
//
//   const browser = await launchBrowser();
//   const page = await browser.newPage();
//   await page.goto(connectUrl);                       // a vault page that redirects to the IDP
//   await completeIdpLogin(page, { issuer: idp.issuer, username: "alice" });  // or consent: "deny"
//   await browser.close();
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { BrowserSetupError, CHROMIUM_PACKAGE, ensureChromium } from "./chromium.js";

export { BrowserSetupError } from "./chromium.js";

const LAUNCH_TIMEOUT_MS = 20_000;

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface TestBrowser {
  readonly context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const binary = ensureChromium();
  const userDataDir = await mkdtemp(join(tmpdir(), "alter-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: binary.executablePath,
      env: { ...process.env, ...binary.env },
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: LAUNCH_TIMEOUT_MS,
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    const reason = ((error as Error).message ?? String(error)).split("\n").slice(0, 6).join("\n  ");
    throw new BrowserSetupError(
      `The test browser did not start (${binary.source}):\n  ${reason}\n` +
        `Fix: run \`npm ci\` to reinstall the dev dependency ${CHROMIUM_PACKAGE}, or set CHROMIUM_PATH to a working Chrome/Chromium binary.`,
    );
  }
  return {
    context,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface IdpLoginOptions {
  /** The test IDP's issuer (test/support/idp.ts); pages on other origins end the login. */
  issuer: string;
  username: string;
  password?: string;
  /** What to click on the consent page. Default "allow". */
  consent?: "allow" | "deny";
  timeoutMs?: number;
}

/**
 * Completes whatever the test IDP shows in `page` (login form, consent) until the browser leaves
 * the IDP's origin, i.e. it is back at the redirect URI. Returns that URL.
 */
export async function completeIdpLogin(page: Page, options: IdpLoginOptions): Promise<string> {
  const idpOrigin = new URL(options.issuer).origin;
  const timeout = options.timeoutMs ?? 15_000;
  // Wait until the browser is either at an IDP interaction page or away from the IDP.
  const settled = async () => {
    await page.waitForURL((u) => u.origin !== idpOrigin || u.pathname.startsWith("/interaction/"), { timeout });
    await page.waitForLoadState("domcontentloaded", { timeout });
  };
  await settled();
  for (let step = 0; step < 6; step += 1) {
    if (new URL(page.url()).origin !== idpOrigin) return page.url();
    const prompt = await page.locator('meta[name="idp-prompt"]').getAttribute("content", { timeout });
    const navigated = page.waitForEvent("framenavigated", { predicate: (f) => f === page.mainFrame(), timeout });
    if (prompt === "login") {
      await page.fill("#login", options.username);
      await page.fill("#password", options.password ?? "password");
      await page.click("#sign-in");
    } else if (prompt === "consent") {
      await page.click(options.consent === "deny" ? "#deny" : "#allow");
    } else {
      throw new Error(`unexpected IDP page at ${page.url()}: ${(await page.content()).slice(0, 300)}`);
    }
    await navigated;
    await settled();
    const error = await page.locator("#login-error").textContent({ timeout: 50 }).catch(() => null);
    if (error) throw new Error(`IDP login failed: ${error}`);
  }
  throw new Error(`IDP login did not finish; still at ${page.url()}`);
}

/**
 * On the vault's connect confirmation page, presses its button and waits until the browser has
 * left the vault's /connect pages; on any other page, does nothing.
 */
export async function confirmConnect(page: Page): Promise<void> {
  const confirm = page.locator("#confirm");
  if ((await confirm.count()) === 0) return;
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/connect/")), confirm.click()]);
}
