// One benchmark contender in its own process, driven by the parent over IPC:
//   { type: "setup", key, ctx }  -> { type: "ready" } | { type: "failed", message }
//   { type: "round", options }   -> { type: "result", result }  (runLoad's result, CPU of this process)
//   disconnect                   -> close and exit
import { contenders } from "./runtime-contenders.mjs";
import { runLoad } from "./load.mjs";

let instance;

const send = (msg) => process.send?.(msg);

process.on("message", async (msg) => {
  try {
    if (msg.type === "setup") {
      const contender = contenders[msg.key];
      if (!contender) throw new Error(`unknown contender ${msg.key}`);
      instance = await contender.setup(msg.ctx);
      await instance.call(0); // fail fast with a clear reason
      send({ type: "ready" });
    } else if (msg.type === "round") {
      const r = await runLoad((i) => instance.call(i), msg.options);
      const { firstError, ...rest } = r;
      send({ type: "result", result: { ...rest, firstError: firstError ? String(firstError?.message ?? firstError) : undefined } });
    }
  } catch (e) {
    send({ type: "failed", message: String(e?.message ?? e).split("\n")[0].slice(0, 300) });
  }
});

process.on("disconnect", async () => {
  try {
    await instance?.close?.();
  } finally {
    process.exit(0);
  }
});
