// Pages of the connect flow: the provider picker, the confirmation page (nothing leaves for the
// provider until the person presses its button), and the outcome pages. Every outcome page says
// what is connected now, so a person who connects one provider and declines the next reads that
// the first one stays connected.
import { html, type Html } from "./html.js";
import { layout, resultPage, type PageFrame } from "./layout.js";

const connectHref = (sessionId: string, pageToken: string, provider: string) =>
  `/connect/${encodeURIComponent(sessionId)}?state=${encodeURIComponent(pageToken)}&provider=${encodeURIComponent(provider)}`;

/** One provider of a session as the pages show it. */
export interface ProviderState {
  id: string;
  name: string;
  /** connected: a grant was created; the rest: not (yet). */
  state: "connected" | "waiting" | "denied" | "failed";
  account?: string | null;
}

function stateWords(p: ProviderState): Html {
  switch (p.state) {
    case "connected":
      return html`<strong>connected</strong>${p.account ? html` as ${p.account}` : html``}`;
    case "denied":
      return html`not connected (declined)`;
    case "failed":
      return html`not connected (it failed)`;
    case "waiting":
      return html`<span class="muted">not connected</span>`;
  }
}

/** What each provider of the session ended as: the list every outcome page ends with. */
function providerList(list: ProviderState[]): Html {
  return html`<ul class="plain" id="providers">${list.map(
    (p) => html`<li data-provider="${p.id}" data-state="${p.state}">${p.name}: ${stateWords(p)}</li>`,
  )}</ul>`;
}

export function pickerPage(frame: PageFrame, sessionId: string, pageToken: string, list: ProviderState[]): string {
  const items = list.map((p) =>
    p.state === "connected"
      ? html`<li data-provider="${p.id}" data-state="connected">${p.name}: ${stateWords(p)}</li>`
      : html`<li data-provider="${p.id}" data-state="${p.state}"><a class="button" id="${`connect-${p.id}`}" href="${connectHref(sessionId, pageToken, p.id)}">Connect ${p.name}</a></li>`,
  );
  return layout(
    frame,
    `Connect your accounts to ${frame.appName}`,
    html`<h1 id="title">Connect your accounts to ${frame.appName}</h1>
<p>${frame.appName} asks to connect ${list.length} accounts. Connect each one; you will confirm what it gets before you leave for it.</p>
<ul class="plain" id="providers">${items}</ul>`,
  );
}

export interface ScopeLine {
  scope: string;
  /** What it allows in words, when known. */
  words: string | null;
}

export interface ConfirmFacts {
  sessionId: string;
  pageToken: string;
  csrf: string;
  provider: { id: string; name: string };
  scopes: ScopeLine[];
  /** The end user the grant will belong to (their name or email), or null for a system grant. */
  owner: string | null;
}

function scopeList(scopes: ScopeLine[]): Html {
  if (scopes.length === 0) return html`<span class="muted">what the provider grants by default</span>`;
  return html`<ul class="scopes">${scopes.map((s) =>
    s.words ? html`<li>${s.words} <span class="muted">(<code>${s.scope}</code>)</span></li>` : html`<li><code>${s.scope}</code></li>`,
  )}</ul>`;
}

/** Names the app, the provider and whose grant it will be; the button is a CSRF-bound POST. */
export function confirmPage(frame: PageFrame, f: ConfirmFacts): string {
  const app = frame.appName;
  const owner = f.owner
    ? html`<dd id="owner" data-principal="user">${f.owner} <span class="muted">(the ${app} user this link was made for)</span></dd>`
    : html`<dd id="owner" data-principal="system">Shared by the app <span class="muted">(a system grant: ${app}'s backend can use it, for no particular user)</span></dd>`;
  const field = (name: string, value: string) => html`<input type="hidden" name="${name}" value="${value}">`;
  return layout(
    frame,
    `Connect ${f.provider.name} to ${app}?`,
    html`<h1 id="title">Connect ${f.provider.name} to ${app}?</h1>
<p>${app} asks to connect an account at ${f.provider.name}. You will sign in at ${f.provider.name} next.</p>
<dl><dt>App</dt><dd id="app">${app}</dd>
<dt>Provider</dt><dd id="provider">${f.provider.name}</dd>
<dt>${app} will be able to</dt><dd id="scopes" data-scopes="${f.scopes.map((s) => s.scope).join(" ")}">${scopeList(f.scopes)}</dd>
<dt>The connection will belong to</dt>${owner}</dl>
<p class="warning">Continue only if you started this from ${app} yourself. If someone sent you this link, close this window: the connection would belong to the account named above, not necessarily to you.</p>
<form method="post" action="${`/connect/${encodeURIComponent(f.sessionId)}/start`}">
${field("state", f.pageToken)}${field("provider", f.provider.id)}${field("csrf", f.csrf)}
<div class="actions"><button class="primary" id="confirm" type="submit" name="action" value="continue">Continue to ${f.provider.name}</button>
<button id="cancel" type="submit" name="action" value="cancel">Cancel</button></div></form>`,
  );
}

const connectedNames = (list: ProviderState[]) => list.filter((p) => p.state === "connected").map((p) => p.name);

/** After one provider connected: more to go (a Continue button), or all done. */
export function connectedPage(frame: PageFrame, provider: ProviderState, list: ProviderState[], next: { href: string; name: string } | null): string {
  const who = provider.account ? ` as ${provider.account}` : "";
  if (next) {
    return resultPage(frame, "connected", `${provider.name} connected`, `Connected ${provider.name}${who}.`, {
      tone: "good",
      extra: html`${providerList(list)}<p><a class="button primary" id="continue" href="${next.href}">Continue with ${next.name}</a></p>`,
    });
  }
  return resultPage(frame, "completed", "All set", `Connected ${provider.name}${who}. ${frame.appName} can now use ${connectedNames(list).join(" and ")}.`, {
    tone: "good",
    next: "You can close this window.",
    extra: providerList(list),
  });
}

/** The session ended without this provider (declined at the provider, or Cancel on our page). */
export function notConnectedPage(frame: PageFrame, outcome: "denied" | "cancelled", provider: ProviderState, list: ProviderState[]): string {
  const kept = connectedNames(list);
  const first = outcome === "denied" ? `Access to ${provider.name} was declined, so ${provider.name} was not connected.` : `${provider.name} was not connected.`;
  const rest = kept.length > 0 ? ` ${kept.join(" and ")} ${kept.length === 1 ? "stays" : "stay"} connected to ${frame.appName}.` : " Nothing was connected.";
  return resultPage(frame, kept.length > 0 ? `partial-${outcome}` : outcome, kept.length > 0 ? "Partly connected" : "Not connected", first + rest, {
    next: "You can close this window.",
    extra: providerList(list),
  });
}

/** A connect link opened again after its session ended: what it ended as, not an error. */
export function finishedSessionPage(frame: PageFrame, status: string, list: ProviderState[]): string {
  const kept = connectedNames(list);
  if (status === "completed") {
    return resultPage(frame, "completed", "Already connected", `This link was already used: ${kept.join(" and ")} ${kept.length === 1 ? "is" : "are"} connected to ${frame.appName}.`, {
      tone: "good",
      next: "You can close this window.",
      extra: providerList(list),
    });
  }
  const summary = kept.length > 0 ? `${kept.join(" and ")} ${kept.length === 1 ? "was" : "were"} connected; the rest was not.` : "Nothing was connected.";
  return resultPage(frame, `finished-${status}`, "This connect link is finished", `This link was already used. ${summary}`, {
    next: `To connect again, start over from ${frame.appName}.`,
    extra: providerList(list),
  });
}

export function connectErrorPage(frame: PageFrame, message: string, o: { next?: string; details?: string | null } = {}): string {
  return resultPage(frame, "error", "Could not connect", message, { tone: "bad", next: o.next ?? `Start again from ${frame.appName}.`, details: o.details ?? null });
}

export function expiredLinkPage(frame: PageFrame, what: "connect" | "sign-in"): string {
  return resultPage(frame, "expired", "This link has expired", `This ${what} link was not used in time.`, { next: `Start again from ${frame.appName} to get a new link.` });
}

export { connectHref };
