// How every vault page looks in a real browser (issue 15, "Look and feel"): served with the
// vault's own headers (CSP with the local-time script's hash, no framing), each page has the app
// name in its header, shows no list bullets, runs no script but the allowed one, and needs no
// horizontal scrolling on a 390 px phone or at 200 % zoom; buttons show a visible focus ring.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { send } from "../../vault/http/respond.js";
import { launchBrowser, type TestBrowser } from "../support/browser.js";
import { pageSamples } from "../support/page-samples.js";

// Browser globals used inside page.evaluate (the tests' tsconfig has no DOM lib).
declare const document: { documentElement: { scrollWidth: number; clientWidth: number }; activeElement: { id: string } | null };
declare function getComputedStyle(e: unknown): { listStyleType: string; outlineStyle: string; outlineWidth: string };

const samples = pageSamples();
let server: Server;
let base: string;
let browser: TestBrowser;
let page: Page;
const cspErrors: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    const sample = samples.find((s) => `/${s.name}` === req.url);
    send(req, res, sample ? { status: 200, html: sample.html } : { status: 404, json: {} });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on("console", (m) => void (m.type() === "error" && cspErrors.push(m.text())));
  page.on("pageerror", (e) => void cspErrors.push(String(e)));
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe("every page", () => {
  for (const sample of samples) {
    it(sample.name, async () => {
      cspErrors.length = 0;
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${base}/${sample.name}`);
      expect(await page.locator("#app-name").textContent()).toBe("Acme Support");
      expect(await page.title()).toMatch(/ · Acme Support$/);
      expect(await overflow(), "horizontal scroll at 390 px").toBeLessThanOrEqual(0);
      // 200 % zoom of a 1280 px window is a 640 px viewport at twice the pixel size: same CSS width.
      await page.setViewportSize({ width: 640, height: 800 });
      expect(await overflow(), "horizontal scroll at 200 % zoom").toBeLessThanOrEqual(0);
      const bullets = await page.locator("li").evaluateAll((lis) => lis.filter((li) => getComputedStyle(li).listStyleType !== "none" && li.closest("ul.plain")).length);
      expect(bullets).toBe(0);
      // Times were rewritten by the page's one script (allowed by its hash), nothing was blocked.
      const times = await page.locator("time[data-local]").allTextContents();
      for (const t of times) expect(t).not.toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
      expect(cspErrors).toEqual([]);
    });
  }

  it("a focused button shows a ring a person can see", async () => {
    await page.setViewportSize({ width: 1024, height: 800 });
    await page.goto(`${base}/approval`);
    await page.focus("#approver");
    await page.keyboard.press("Tab");
    const outline = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement!);
      return { id: document.activeElement!.id, style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
    });
    expect(outline).toMatchObject({ id: "approve", style: "solid" });
    expect(outline.width).toBeGreaterThanOrEqual(2);
  });
});
