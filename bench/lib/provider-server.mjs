// A minimal loopback "provider" for the runtime benchmark: one fixed JSON body, and a 401 unless
// the expected bearer token came with the request (so a benchmark that forgets to inject fails).
// Runs as its own process so it does not share the client's event loop. Prints its port, then
// serves until its parent closes stdin or it receives SIGTERM.
import http from "node:http";

const token = process.argv[2] ?? "bench-token";
const expected = `Bearer ${token}`;
const body = Buffer.from(
  JSON.stringify({
    id: 1296269,
    name: "Hello-World",
    full_name: "octocat/Hello-World",
    private: false,
    owner: { login: "octocat", id: 1, type: "User" },
    html_url: "https://github.com/octocat/Hello-World",
    description: "This your first repo!",
    fork: false,
    default_branch: "main",
    stargazers_count: 80,
  }),
);
const denied = Buffer.from('{"message":"Bad credentials"}');

const server = http.createServer((req, res) => {
  req.resume();
  const ok = req.headers.authorization === expected;
  res.writeHead(ok ? 200 : 401, { "content-type": "application/json; charset=utf-8", "content-length": ok ? body.length : denied.length, "x-github-request-id": "BENCH:1" });
  res.end(ok ? body : denied);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
process.on("SIGTERM", () => process.exit(0));
