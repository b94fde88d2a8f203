// vault/quote.ts: which typed values messages may repeat. Every credential shape people paste is
// recognised; the names, ids, paths and URLs the CLI's messages are about are not.
import { describe, expect, it } from "vitest";
import { flagValue, HIDDEN, looksSecret, maskSecrets, quoted, shown } from "../../vault/quote.js";

const SECRETS: [string, string][] = [
  ["GitHub personal access token", "ghp_Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78"],
  ["GitHub fine-grained token", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRS"],
  ["GitHub legacy token (40 hex)", "e72e16c7e42f292c6912e7710c838347ae178b4a"],
  ["Slack bot token", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"],
  ["Stripe secret key", "sk_live_51H8abcDEFghiJKLmnoPQRstu"],
  ["AWS secret access key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],
  ["AWS access key id", "AKIAIOSFODNN7EXAMPLE"],
  ["JWT", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlc2lnbmF0dXJl"],
  ["alter API key", "alter_sk_abcdefgh12345678_Q2hhbmdlTWUtdGhpcy1pcy1hLXRlc3Qta2V5LTAxMjM0"],
  ["base64url with many separators", "a-b_c-dEfGh1-jK2lm_nOp3q-rS4tu_vW5xy-z6AbC_d7"],
  ["a master key (base64url, 43)", "q3Xk9_2mV7pLw0ZsB4yN8cR1tH6uJ5eA-gFdKiOoPlM"],
  ["a PEM private key", "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----"],
  ["a secret inside a path", "/tmp/ghp_Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78/cert.pem"],
  ["a secret inside a URL", "https://api.example.test/hook/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX1a"],
  ["anything very long", "word ".repeat(60)],
];

const NOT_SECRETS: [string, string][] = [
  ["an environment variable name", "GITHUB_TOKEN"],
  ["a long environment variable name", "GITHUB_PERSONAL_ACCESS_TOKEN_FOR_CI"],
  ["the master key variable", "ALTER_VAULT_MASTER_KEY"],
  ["a flag name", "--client-secret-from-env"],
  ["a flag name with digits", "--ed25519-public-key"],
  ["a temporary folder", "/tmp/alter-vault-AbC12x/data"],
  ["a data folder", "/home/someone/projects/alter/.alter"],
  ["a grant id (UUID)", "3f2a9c1e-4b5d-4e6f-8a7b-9c0d1e2f3a4b"],
  ["an API key id", "abcdefgh12345678"],
  ["a GitHub OAuth client id", "Iv1.8a61f9b3a7aba766"],
  ["an Azure issuer", "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0"],
  ["a provider id", "google-calendar"],
  ["a time zone", "Europe/Paris"],
  ["a duration", "12h"],
  ["a CIDR", "2001:db8::/32"],
  ["a word with a typo", "pendng"],
];

describe("looksSecret", () => {
  it.each(SECRETS)("%s: hidden", (_name, value) => {
    expect(looksSecret(value)).toBe(true);
    expect(quoted(value)).toBe(HIDDEN);
    expect(shown(value)).toBe(HIDDEN);
    expect(flagValue("--x", value)).toBe(`--x ${HIDDEN}`);
  });
  it.each(NOT_SECRETS)("%s: repeated", (_name, value) => {
    expect(looksSecret(value)).toBe(false);
    expect(quoted(value)).toBe(JSON.stringify(value));
    expect(shown(value)).toBe(value);
  });
});

describe("maskSecrets", () => {
  it("hides only the secret-looking runs of a message", () => {
    const secret = SECRETS[0]![1];
    expect(maskSecrets(`error: unknown option '--${secret}' in /tmp/alter-vault-AbC12x/data`)).toBe(`error: unknown option '${HIDDEN}' in /tmp/alter-vault-AbC12x/data`);
    expect(maskSecrets(`Cannot read --tls-key /etc/alter/${secret}.pem: ENOENT.`)).toBe(`Cannot read --tls-key ${HIDDEN}.pem: ENOENT.`);
  });
  it("hides a whole PEM block", () => {
    expect(maskSecrets(`key: ${SECRETS[11]![1]} end`)).toBe(`key: ${HIDDEN} end`);
  });
  it("leaves a message about names alone", () => {
    const text = "--from-env NOPE_NOT_SET: the environment variable NOPE_NOT_SET is not set or empty.";
    expect(maskSecrets(text)).toBe(text);
  });
});
