// Starts a server script as a child process and waits for the first line it prints (its port).
import { spawn } from "node:child_process";

// `execArgv`: Node flags for the child (a CPU profile: --cpu-prof --cpu-prof-dir DIR).
export function startChildServer(script, args = [], { env, execArgv = [] } = {}) {
  const child = spawn(process.execPath, [...execArgv, script, ...args], { stdio: ["pipe", "pipe", "inherit"], env: env ?? process.env });
  return new Promise((resolve, reject) => {
    let buf = "";
    const onData = (d) => {
      buf += d;
      const nl = buf.indexOf("\n");
      if (nl < 0) return;
      child.stdout.off("data", onData);
      const port = Number(buf.slice(0, nl).trim());
      resolve({
        port,
        pid: child.pid,
        close: () => new Promise((r) => { child.once("exit", r); child.stdin.end(); }),
      });
    };
    child.stdout.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${script} exited (${code}) before it listened`)));
  });
}
