// Runs once in vitest's main process before any worker starts: unpacks the packaged Chromium so
// the browser tests' parallel workers find it ready instead of each unpacking it. A failure here
// is left to the browser tests to report (with the fix), so the other tests still run.
import { ensureChromium } from "./chromium.js";

export default function setup(): void {
  try {
    ensureChromium();
  } catch {
    // launchBrowser() throws the same BrowserSetupError where a test needs the browser.
  }
}
