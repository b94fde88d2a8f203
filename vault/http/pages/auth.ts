// Pages of the authenticate flow.
import { resultPage } from "./layout.js";

export function signedInPage(subject: string): string {
  return resultPage("signed-in", "Signed in", `Signed in as ${subject}. You can close this window.`);
}

export function authErrorPage(message: string): string {
  return resultPage("error", "Sign-in failed", message);
}
