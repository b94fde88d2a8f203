// Opening a page of the vault for a person: the platform's browser opener, a caller's function
// (tests drive Chromium), or the URL printed where no browser can be opened.
import { spawn } from "node:child_process";
import type { Logger } from "./logger.js";

/** `true` (default): the platform's opener; `false`: print the URL; a function: call it (tests drive Chromium). */
export type BrowserOpener = boolean | ((url: string) => void | Promise<void>);

function platformOpener(url: string): Promise<void> {
  const [cmd, args] =
    process.platform === "darwin" ? ["open", [url]] : process.platform === "win32" ? ["cmd", ["/c", "start", '""', url.replace(/&/g, "^&")]] : ["xdg-open", [url]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd as string, args as string[], { stdio: "ignore", detached: true });
    child.once("error", reject);
    child.once("spawn", () => {
      child.unref();
      resolve();
    });
  });
}

/** Opens `url` for a person; prints it when no browser can be opened. */
export async function openForPerson(url: string, opener: BrowserOpener | undefined, what: string, logger: Logger | undefined): Promise<void> {
  const print = () => {
    process.stderr.write(`\n${what}: open this URL in a browser:\n  ${url}\n\n`);
  };
  if (opener === false) return print();
  if (typeof opener === "function") return void (await opener(url));
  const headless = process.platform === "linux" && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
  if (headless) return print();
  try {
    await platformOpener(url);
    logger?.info?.(`${what}: opened the browser`);
  } catch {
    print();
  }
}
