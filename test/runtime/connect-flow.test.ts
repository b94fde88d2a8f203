import { describe, expect, it } from "vitest";
import { openForPerson, pollUntil } from "../../runtime/connect.js";
import { ConnectTimeoutError } from "../../runtime/errors.js";

describe("openForPerson", () => {
  it("prints the URL when told not to open a browser", async () => {
    const written: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      await openForPerson("http://127.0.0.1:7420/connect/s1?state=abc", false, "Connect github", undefined);
    } finally {
      process.stderr.write = orig;
    }
    expect(written.join("")).toContain("Connect github: open this URL in a browser:\n  http://127.0.0.1:7420/connect/s1?state=abc");
  });

  it("hands the URL to a function opener (tests drive Chromium this way)", async () => {
    const opened: string[] = [];
    await openForPerson("http://x/login", async (u) => void opened.push(u), "Sign in", undefined);
    expect(opened).toEqual(["http://x/login"]);
  });
});

describe("pollUntil", () => {
  it("returns the first defined answer", async () => {
    let n = 0;
    const v = await pollUntil(async () => (++n === 3 ? "done" : undefined), { timeoutMs: 5_000, pollIntervalMs: 1 }, () => new Error("timeout"));
    expect(v).toBe("done");
    expect(n).toBe(3);
  });

  it("raises the flow's timeout error when time runs out", async () => {
    await expect(pollUntil(async () => undefined, { timeoutMs: 20, pollIntervalMs: 5 }, () => new ConnectTimeoutError("too slow"))).rejects.toBeInstanceOf(ConnectTimeoutError);
  });

  it("stops when the signal aborts", async () => {
    const ac = new AbortController();
    const p = pollUntil(async () => undefined, { timeoutMs: 60_000, pollIntervalMs: 10_000, signal: ac.signal }, () => new Error("timeout"));
    setTimeout(() => ac.abort(new Error("user cancelled")), 5);
    await expect(p).rejects.toThrow("user cancelled");
  });

  it("propagates a terminal status thrown by the check", async () => {
    await expect(pollUntil(async () => { throw new Error("denied"); }, { timeoutMs: 1_000, pollIntervalMs: 1 }, () => new Error("timeout"))).rejects.toThrow("denied");
  });
});
