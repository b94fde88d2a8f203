// Pages of the connect flow: the provider picker and the outcome pages.
import { escapeHtml, layout, resultPage } from "./layout.js";

export function pickerPage(sessionId: string, pageToken: string, providers: { id: string; name: string; done: boolean }[]): string {
  const items = providers
    .map((p) =>
      p.done
        ? `<li>${escapeHtml(p.name)} <span class="muted">connected</span></li>`
        : `<li><a class="button" id="connect-${escapeHtml(p.id)}" href="/connect/${encodeURIComponent(sessionId)}?state=${encodeURIComponent(pageToken)}&amp;provider=${encodeURIComponent(p.id)}">Connect ${escapeHtml(p.name)}</a></li>`,
    )
    .join("\n");
  return layout("Connect your accounts", `<h1 id="title">Connect your accounts</h1>\n<ul>${items}</ul>`);
}

export function connectedPage(providerName: string, account: string | null, next: { href: string; name: string } | null): string {
  const who = account ? ` as ${account}` : "";
  if (next) {
    return resultPage(
      "connected",
      `${providerName} connected`,
      `Connected ${providerName}${who}.`,
      `<p><a class="button" id="continue" href="${escapeHtml(next.href)}">Continue with ${escapeHtml(next.name)}</a></p>`,
    );
  }
  return resultPage("completed", "All set", `Connected ${providerName}${who}. You can close this window.`);
}

export function deniedPage(providerName: string): string {
  return resultPage("denied", "Not connected", `Access to ${providerName} was denied, so nothing was connected. You can close this window.`);
}

export function connectErrorPage(message: string): string {
  return resultPage("error", "Could not connect", message);
}
