// Pages of the authenticate flow. "Signed in as" names the person as their IDP does to them (the
// name or email claim), not the IDP's internal subject.
import { resultPage, type PageFrame } from "./layout.js";

export function signedInPage(frame: PageFrame, who: string, again = false): string {
  return resultPage(frame, "signed-in", again ? "Already signed in" : "Signed in", `Signed in as ${who}.`, {
    tone: "good",
    next: `You can close this window and go back to ${frame.appName}.`,
  });
}

export function authErrorPage(frame: PageFrame, message: string, o: { next?: string; details?: string | null; outcome?: string; title?: string } = {}): string {
  return resultPage(frame, o.outcome ?? "error", o.title ?? "Sign-in did not finish", message, {
    tone: "bad",
    next: o.next ?? `Start again from ${frame.appName}.`,
    details: o.details ?? null,
  });
}
