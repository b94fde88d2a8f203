// The browser tests' Chromium comes from the registry (the dev dependency @sparticuz/chromium), never
// from the machine, and a browser that cannot start fails fast with the fix in the message.
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BrowserSetupError, launchBrowser } from "../support/browser.js";
import { ensureChromium } from "../support/chromium.js";

const saved = process.env.CHROMIUM_PATH;
afterEach(() => {
  if (saved === undefined) delete process.env.CHROMIUM_PATH;
  else process.env.CHROMIUM_PATH = saved;
});

describe("test browser", () => {
  it("is the packaged Chromium unpacked under node_modules/.cache, with its own NSS libraries", async () => {
    const binary = ensureChromium({});
    expect(binary.executablePath).toMatch(/node_modules\/\.cache\/alter-gen-chromium\/143\.[\d.]+\/chromium$/);
    expect(binary.env.LD_LIBRARY_PATH).toMatch(/alter-gen-chromium\/143\.[\d.]+\/lib/);
    delete process.env.CHROMIUM_PATH;
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      expect(await page.evaluate<string>("navigator.userAgent")).toMatch(/HeadlessChrome\/143\./);
    } finally {
      await browser.close();
    }
  });

  it.each([
    ["a path that does not exist", async () => "/nonexistent/chromium", /CHROMIUM_PATH=\/nonexistent\/chromium does not exist/],
    [
      "a binary that exits at once",
      async (dir: string) => {
        const file = join(dir, "broken-chromium");
        await writeFile(file, "#!/bin/sh\necho 'error while loading shared libraries: libnss3.so' >&2\nexit 127\n");
        await chmod(file, 0o755);
        return file;
      },
      /did not start[\s\S]*libnss3[\s\S]*Fix: run `npm ci`/,
    ],
  ] as const)("a browser that cannot start is one BrowserSetupError naming the fix: %s", async (_name, make, message) => {
    const dir = await mkdtemp(join(tmpdir(), "alter-browser-test-"));
    try {
      process.env.CHROMIUM_PATH = await make(dir);
      const error = await launchBrowser().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BrowserSetupError);
      expect((error as Error).message).toMatch(message);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
