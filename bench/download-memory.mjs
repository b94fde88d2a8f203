#!/usr/bin/env node
// `node bench/download-memory.mjs [--mb 50] [--mode retrieve|proxy] [--stream]`: peak memory of one
// archive download through the generated GitHub client: the provider (loopback) answers 302 to a
// download host on 127.0.0.2 (outside the grant), which sends N MB. `--stream` asks for the body as
// it arrives (`{ stream: true }`) and reads it chunk by chunk, counting bytes; without it the
// body is the buffered Uint8Array. The client and the vault each run in their own child process
// that reports its peak resident set (the kernel's maxRSS), so the servers' own buffers are not
// counted. Loads dist/ (run `npm run build` first).
import { fork } from "node:child_process";
import { createServer } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = (p) => pathToFileURL(path.join(ROOT, "dist", p)).href;

if (process.argv[2] === "--vault") {
  const { startVault } = await import(dist("vault/index.js"));
  const vault = await startVault({ dataDir: process.argv[3], port: 0 });
  process.on("message", async (m) => {
    if (m === "rss") process.send({ rss: process.resourceUsage().maxRSS * 1024 });
    if (m === "exit") {
      await vault.close();
      process.exit(0);
    }
  });
  process.send({ url: vault.url, rss: process.resourceUsage().maxRSS * 1024 });
} else if (process.argv[2] === "--child") {
  const [, , , apiKey, vaultUrl, baseUrl, grant, mode, stream] = process.argv;
  const { AlterVault } = await import(dist("runtime/index.js"));
  const { createGithubClient } = await import(pathToFileURL(path.join(ROOT, "generated/github/index.js")).href);
  const vault = new AlterVault({ apiKey, baseUrl: vaultUrl, retry: false });
  const github = createGithubClient(vault, { baseUrl, mode });
  // Warm up: one small call loads every module the download's path needs.
  await github.repos.get(grant, { owner: "o", repo: "r" }).catch(() => undefined);
  global.gc?.();
  const before = { rss: process.resourceUsage().maxRSS * 1024, ...process.memoryUsage() };
  const started = performance.now();
  let bytes = 0;
  try {
    if (stream === "stream") {
      const body = await github.repos.downloadTarballArchive(grant, { owner: "o", repo: "r", ref: "main" }, { stream: true });
      for await (const chunk of body) bytes += chunk.byteLength;
    } else {
      bytes = (await github.repos.downloadTarballArchive(grant, { owner: "o", repo: "r", ref: "main" })).byteLength;
    }
  } catch (error) {
    // Reported, not thrown: the parent still stops the vault and the servers.
    process.send({ error: `${error.name}: ${error.message}` });
    await vault.close();
    process.exit(0);
  }
  const ms = performance.now() - started;
  const after = { rss: process.resourceUsage().maxRSS * 1024, ...process.memoryUsage() };
  process.send({ bytes, ms, before, after });
  await vault.close();
  process.exit(0);
} else {
  await main();
}

async function main() {
  const { values: opts } = parseArgs({
    options: { mb: { type: "string", default: "50" }, mode: { type: "string", default: "retrieve" }, stream: { type: "boolean", default: false } },
  });
  const SIZE = Number(opts.mb) * 1024 * 1024;
  const CHUNK = Buffer.alloc(64 * 1024, 0x61);

  const { initVault, setProviderConfig, addManagedSecret, issueGrant } = await import(dist("vault/index.js"));

  const listen = (server, host) => new Promise((resolve) => server.listen(0, host, () => resolve(server.address().port)));
  const download = createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/x-gzip", "content-length": String(SIZE) });
    let sent = 0;
    const more = () => {
      while (sent < SIZE) {
        const n = Math.min(CHUNK.length, SIZE - sent);
        sent += n;
        if (!res.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) return res.once("drain", more);
      }
      res.end();
    };
    more();
  });
  const dlPort = await listen(download, "127.0.0.2");
  const provider = createServer((req, res) => {
    if (req.url.includes("/tarball/")) {
      res.writeHead(302, { location: `http://127.0.0.2:${dlPort}/o/r/legacy.tar.gz/refs/heads/main?token=SIGNED` });
      return res.end();
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"id":1,"name":"r"}');
  });
  const port = await listen(provider, "127.0.0.1");
  const baseUrl = `http://127.0.0.1:${port}`;

  const dataDir = await mkdtemp(path.join(tmpdir(), "alter-download-bench-"));
  const init = await initVault({ dataDir, env: {} });
  await setProviderConfig({ dataDir, provider: "github", baseUrl, hosts: [`127.0.0.1:${port}`] });
  const secret = await addManagedSecret({ dataDir, provider: "github", value: "ghp_benchDownloadToken0123456789", label: "bench" });
  const { grantId } = await issueGrant({ dataDir, secretId: secret.id, principal: "system" });
  const vaultProcess = fork(fileURLToPath(import.meta.url), ["--vault", dataDir]);
  const vaultStarted = await new Promise((resolve) => vaultProcess.once("message", resolve));
  const vault = { url: vaultStarted.url };
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));

  const child = fork(fileURLToPath(import.meta.url), ["--child", init.apiKey, vault.url, baseUrl, grantId, opts.mode, opts.stream ? "stream" : "buffered"], {
    execArgv: ["--expose-gc"],
  });
  const result = await new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("exit", (code) => code !== 0 && reject(new Error(`the client process exited with ${code}`)));
  });
  if (result.error) console.log(`${opts.mode} mode, ${opts.stream ? "streamed" : "buffered"}, ${opts.mb} MB: the download failed: ${result.error}`);
  const vaultRss = await new Promise((resolve) => {
    vaultProcess.once("message", (m) => resolve(m.rss));
    vaultProcess.send("rss");
  });
  const mb = (n) => (n / 1024 / 1024).toFixed(1);
  if (!result.error)
    console.log(
      `${opts.mode} mode, ${opts.stream ? "streamed" : "buffered"}, ${mb(result.bytes)} MB download in ${result.ms.toFixed(0)} ms: client peak RSS ${mb(result.before.rss)} → ${mb(result.after.rss)} MB ` +
        `(+${mb(result.after.rss - result.before.rss)} MB); arrayBuffers after ${mb(result.after.arrayBuffers)} MB; vault peak RSS ${mb(vaultStarted.rss)} → ${mb(vaultRss)} MB (+${mb(vaultRss - vaultStarted.rss)} MB)`,
    );
  vaultProcess.send("exit");
  await new Promise((r) => vaultProcess.once("exit", r));
  download.close();
  provider.close();
  await rm(dataDir, { recursive: true, force: true });
}
