// forEachInParallel (generator/in-parallel.ts), which reads and writes a client's files: every item
// is visited once, no more than the limit are pending, and the first failure is what rejects,
// only after the calls already started have settled.
import { describe, expect, it } from "vitest";
import { forEachInParallel } from "../../generator/in-parallel.js";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("forEachInParallel", () => {
  it.each([
    [0, 8],
    [1, 8],
    [5, 2],
    [30, 8],
    [9, 1],
  ])("%i items, at most %i pending", async (count, limit) => {
    const items = Array.from({ length: count }, (_, i) => i);
    const seen: number[] = [];
    let pending = 0;
    let most = 0;
    await forEachInParallel(
      items,
      async (item, index) => {
        expect(index).toBe(item);
        pending++;
        most = Math.max(most, pending);
        await tick((item * 7) % 5);
        seen.push(item);
        pending--;
      },
      limit,
    );
    expect(seen.sort((a, b) => a - b)).toEqual(items);
    expect(most).toBeLessThanOrEqual(limit);
    if (count >= limit) expect(most).toBe(limit);
  });

  it("rejects with the first failure after the started calls settle, and starts no more", async () => {
    const started: number[] = [];
    const settled: number[] = [];
    const run = forEachInParallel(
      Array.from({ length: 20 }, (_, i) => i),
      async (item) => {
        started.push(item);
        await tick(item === 1 ? 1 : 10);
        settled.push(item);
        if (item === 1) throw new Error("item 1 failed");
        if (item === 2) throw new Error("item 2 failed");
      },
      3,
    );
    await expect(run).rejects.toThrow("item 1 failed");
    expect(settled.sort((a, b) => a - b)).toEqual(started.sort((a, b) => a - b));
    expect(started.length).toBeLessThan(20);
  });
});
