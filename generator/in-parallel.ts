// A few file operations at a time. Awaiting each read or write of a client's files in turn costs
// several thread-pool round trips per file (GitHub: 105 files, ~100-250 ms of waiting); all at once
// could hold a descriptor per file (Microsoft Graph: 851). A handful in flight keeps the pool busy.
const IN_FLIGHT = 8;

/** `fn` over `items` with at most `limit` calls pending; rejects with the first failure, after the calls started have settled. */
export async function forEachInParallel<T>(items: readonly T[], fn: (item: T, index: number) => Promise<void>, limit = IN_FLIGHT): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        await fn(items[i]!, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}
