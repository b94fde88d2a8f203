// Closed-loop load: `concurrency` workers issue `total` calls between them and record
// each call's latency. Bounded by count (and a time cap), so it always stops by itself.

export async function runLoad(call, { concurrency = 64, total = 20_000, warmup = 1_000, maxMs = 120_000 } = {}) {
  await drive(call, Math.min(concurrency, 16), warmup, maxMs);
  return drive(call, concurrency, total, maxMs);
}

async function drive(call, concurrency, total, maxMs) {
  const latencies = new Float64Array(total);
  let issued = 0;
  let done = 0;
  let errors = 0;
  let firstError;
  const started = performance.now();
  const deadline = started + maxMs;
  async function worker() {
    while (issued < total && performance.now() < deadline) {
      const i = issued++;
      const t0 = performance.now();
      try {
        await call(i);
      } catch (e) {
        errors++;
        firstError ??= e;
      }
      latencies[i] = performance.now() - t0;
      done++;
    }
  }
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = process.cpuUsage(cpu0);
  const elapsedMs = performance.now() - started;
  const lat = latencies.subarray(0, done).sort();
  const pick = (p) => lat[Math.min(lat.length - 1, Math.max(0, Math.ceil((p / 100) * lat.length) - 1))];
  return {
    requests: done,
    errors,
    firstError,
    elapsedMs,
    rps: (done / elapsedMs) * 1000,
    p50: pick(50),
    p99: pick(99),
    cpuUsPerCall: (cpu.user + cpu.system) / Math.max(1, done),
  };
}
