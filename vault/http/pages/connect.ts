// Pages of the connect flow: the provider picker, the confirmation page (nothing leaves for the
// provider until the person presses its button), and the outcome pages.
import { html } from "./html.js";
import { layout, resultPage } from "./layout.js";

const connectHref = (sessionId: string, pageToken: string, provider: string) =>
  `/connect/${encodeURIComponent(sessionId)}?state=${encodeURIComponent(pageToken)}&provider=${encodeURIComponent(provider)}`;

export function pickerPage(sessionId: string, pageToken: string, appName: string, providers: { id: string; name: string; done: boolean }[]): string {
  const items = providers.map((p) =>
    p.done
      ? html`<li>${p.name} <span class="muted">connected</span></li>`
      : html`<li><a class="button" id="${`connect-${p.id}`}" href="${connectHref(sessionId, pageToken, p.id)}">Connect ${p.name}</a></li>`,
  );
  return layout("Connect your accounts", html`<h1 id="title">Connect your accounts to ${appName}</h1>
<ul>${items}</ul>`);
}

export interface ConfirmFacts {
  sessionId: string;
  pageToken: string;
  csrf: string;
  appName: string;
  provider: { id: string; name: string };
  scopes: string[];
  /** The end user the grant will belong to (their IDP subject), or null for a system grant. */
  owner: string | null;
}

/** Names the app, the provider and whose grant it will be; the button is a CSRF-bound POST. */
export function confirmPage(f: ConfirmFacts): string {
  const owner = f.owner
    ? html`<dd id="owner" data-principal="user">${f.owner} <span class="muted">(the ${f.appName} user this link was made for)</span></dd>`
    : html`<dd id="owner" data-principal="system">Shared by the app <span class="muted">(a system grant: ${f.appName}'s backend can use it, for no particular user)</span></dd>`;
  const field = (name: string, value: string) => html`<input type="hidden" name="${name}" value="${value}">`;
  return layout(
    `Connect ${f.provider.name} to ${f.appName}?`,
    html`<h1 id="title">Connect ${f.provider.name} to ${f.appName}?</h1>
<p>${f.appName} asks to connect an account at ${f.provider.name}. You will sign in at ${f.provider.name} next.</p>
<dl><dt>App</dt><dd id="app">${f.appName}</dd>
<dt>Provider</dt><dd id="provider">${f.provider.name}</dd>
<dt>Access requested</dt><dd id="scopes">${f.scopes.length ? f.scopes.join(" ") : html`<span class="muted">the provider's defaults</span>`}</dd>
<dt>The connection will belong to</dt>${owner}</dl>
<p class="warning">Continue only if you started this from ${f.appName} yourself. If someone sent you this link, close this window: the connection would belong to the account named above, not necessarily to you.</p>
<form method="post" action="${`/connect/${encodeURIComponent(f.sessionId)}/start`}">
${field("state", f.pageToken)}${field("provider", f.provider.id)}${field("csrf", f.csrf)}
<button class="primary" id="confirm" type="submit" name="action" value="continue">Continue to ${f.provider.name}</button>
<button id="cancel" type="submit" name="action" value="cancel">Cancel</button></form>`,
  );
}

export function connectedPage(providerName: string, account: string | null, next: { href: string; name: string } | null): string {
  const who = account ? ` as ${account}` : "";
  if (next) {
    return resultPage(
      "connected",
      `${providerName} connected`,
      `Connected ${providerName}${who}.`,
      html`<p><a class="button" id="continue" href="${next.href}">Continue with ${next.name}</a></p>`,
    );
  }
  return resultPage("completed", "All set", `Connected ${providerName}${who}. You can close this window.`);
}

export function deniedPage(providerName: string): string {
  return resultPage("denied", "Not connected", `Access to ${providerName} was denied, so nothing was connected. You can close this window.`);
}

export function cancelledPage(providerName: string): string {
  return resultPage("cancelled", "Not connected", `Nothing was connected to ${providerName}. You can close this window.`);
}

export function connectErrorPage(message: string): string {
  return resultPage("error", "Could not connect", message);
}

export { connectHref };
