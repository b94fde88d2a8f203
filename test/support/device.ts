// The person's side of a device authorization grant (RFC 8628) at the test IDP, in Chromium: open
// the verification URI on "another device", type the user code, confirm, sign in, consent.
//
//   await enterDeviceCode(page, prompt, { username: "alice" });                 // signs in
//   await enterDeviceCode(page, prompt, { username: "alice", decision: "abort" });
import type { Page } from "playwright-core";
import type { DeviceCodePrompt } from "alter-gen/runtime";

export interface DeviceEntryOptions {
  username: string;
  password?: string;
  /** "allow" (default); "abort" on the code confirmation page; "deny" at the consent page. */
  decision?: "allow" | "abort" | "deny";
  /** Open verification_uri_complete (code filled in) instead of typing the code. */
  complete?: boolean;
  timeoutMs?: number;
}

/** Walks the IDP's pages until its device success page (or the page saying the code was declined). */
export async function enterDeviceCode(page: Page, prompt: DeviceCodePrompt, options: DeviceEntryOptions): Promise<"done" | "declined"> {
  const timeout = options.timeoutMs ?? 15_000;
  await page.goto(options.complete && prompt.verificationUriComplete ? prompt.verificationUriComplete : prompt.verificationUri);
  for (let step = 0; step < 8; step += 1) {
    await page.waitForLoadState("domcontentloaded", { timeout });
    const meta = page.locator('meta[name="idp-prompt"]');
    await meta.or(page.locator("#error")).first().waitFor({ state: "attached", timeout });
    // oidc-provider's error page: the person declined at the consent step.
    if ((await page.locator("#error").count()) > 0) return "declined";
    const kind = await meta.getAttribute("content", { timeout });
    if (kind === "device-done") return "done";
    if (kind === "device-input" && (await page.locator("#device-error").count()) > 0) return "declined";
    const navigated = page.waitForEvent("framenavigated", { predicate: (f) => f === page.mainFrame(), timeout });
    switch (kind) {
      case "device-input":
        await page.fill("#user-code", prompt.userCode);
        await page.click("#device-continue");
        break;
      case "device-confirm":
        await page.click(options.decision === "abort" ? "#device-abort" : "#device-confirm");
        break;
      case "login":
        await page.fill("#login", options.username);
        await page.fill("#password", options.password ?? "password");
        await page.click("#sign-in");
        break;
      case "consent":
        await page.click(options.decision === "deny" ? "#deny" : "#allow");
        break;
      default:
        throw new Error(`unexpected IDP page at ${page.url()}: ${(await page.content()).slice(0, 300)}`);
    }
    await navigated;
  }
  throw new Error(`the device sign-in did not finish; still at ${page.url()}`);
}
