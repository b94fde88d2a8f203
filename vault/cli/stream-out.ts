// Line output for commands that print without bound (`vault audit`): buffered in 64 KiB chunks,
// waiting for stdout to drain, and ending quietly when the reader goes away (`| head`).
export class OutputClosed extends Error {}

export class LineOut {
  #buf = "";
  #closed = false;
  readonly #stream: NodeJS.WritableStream;

  constructor(stream: NodeJS.WritableStream = process.stdout) {
    this.#stream = stream;
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") this.#closed = true;
      else throw e;
    });
  }

  /** Queues one line; resolves at once unless a chunk had to be written and stdout is full. */
  line(text: string): Promise<void> | undefined {
    if (this.#closed) throw new OutputClosed();
    this.#buf += text + "\n";
    return this.#buf.length >= 65536 ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    if (!this.#buf || this.#closed) return;
    const chunk = this.#buf;
    this.#buf = "";
    if (this.#stream.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.#stream.off("drain", done);
        this.#stream.off("close", done);
        resolve();
      };
      this.#stream.on("drain", done);
      this.#stream.on("close", done);
    });
  }
}

/**
 * A table printed as it streams: column widths come from the first `sample` rows (a longer cell
 * later only pushes its line), so no row waits for the last one and nothing holds them all.
 */
export class StreamingTable {
  readonly #head: string[];
  readonly #out: LineOut;
  readonly #sample: number;
  #pending: string[][] = [];
  #widths: number[] | undefined;

  constructor(head: string[], out: LineOut, sample = 500) {
    this.#head = head;
    this.#out = out;
    this.#sample = sample;
  }

  row(cells: string[]): Promise<void> | undefined {
    if (this.#widths) return this.#out.line(this.#format(cells));
    this.#pending.push(cells);
    return this.#pending.length >= this.#sample ? this.#start() : undefined;
  }

  async end(): Promise<void> {
    if (!this.#widths) await this.#start();
    await this.#out.flush();
  }

  async #start(): Promise<void> {
    const widths = this.#head.map((h) => h.length);
    for (const r of this.#pending) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
    this.#widths = widths;
    const rows = [this.#head, ...this.#pending];
    this.#pending = [];
    for (const r of rows) await this.#out.line(this.#format(r));
  }

  #format(r: string[]): string {
    return r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(this.#widths![i]!))).join("  ");
  }
}
