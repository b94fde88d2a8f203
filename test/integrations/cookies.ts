/** The `session` cookie of a Cookie header: how a web app that keeps the user's token in a session passes it. */
export function sessionCookie(header: string | null | undefined): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === "session") return value.join("=");
  }
  return undefined;
}
