// A loopback stand-in for one AWS JSON API call (DynamoDB ListTables) that does what AWS does
// with a request: recomputes its Signature Version 4 from the access key's secret and refuses it
// unless the signature, scope, date and signed headers all match. Written from AWS's SigV4
// description, independently of the runtime's signer, so a mistake in either shows up here.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface AwsStandin {
  url: string;
  /** One line per request: what was checked and the verdict. */
  log: string[];
  close(): Promise<void>;
}

export interface AwsKey {
  accessKeyId: string;
  secretAccessKey: string;
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it (unreserved characters kept, everything else %XX). */
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

function canonicalQuery(url: URL): string {
  return [...url.searchParams]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

/** Why the request's signature is not valid for `key`, or undefined when it is. */
export function verifySigV4(
  req: { method: string; url: URL; headers: Record<string, string>; body: Buffer },
  key: AwsKey,
  scope: { region: string; service: string },
  nowMs = Date.now(),
): string | undefined {
  const auth = req.headers.authorization ?? "";
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return "missing or malformed AWS4-HMAC-SHA256 Authorization header";
  const [, keyId, day, region, service, signedHeaders, signature] = m as unknown as string[];
  if (keyId !== key.accessKeyId) return "unknown access key id";
  if (region !== scope.region || service !== scope.service) return `credential scope is ${region}/${service}, expected ${scope.region}/${scope.service}`;
  const amzDate = req.headers["x-amz-date"] ?? "";
  const when = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!when) return "missing or malformed X-Amz-Date";
  if (amzDate.slice(0, 8) !== day) return "X-Amz-Date and the credential scope name different days";
  const t = Date.UTC(+when[1]!, +when[2]! - 1, +when[3]!, +when[4]!, +when[5]!, +when[6]!);
  if (Math.abs(nowMs - t) > 5 * 60_000) return "request time is more than 5 minutes from the server's";
  const names = signedHeaders!.split(";");
  for (const required of ["host", "x-amz-date"]) if (!names.includes(required)) return `${required} is not among the signed headers`;
  if (names.join(";") !== [...names].sort().join(";")) return "SignedHeaders is not sorted";
  for (const n of names) if (req.headers[n] === undefined) return `signed header ${n} is missing from the request`;
  const canonicalHeaders = names.map((n) => `${n}:${req.headers[n]!.trim().replace(/\s+/g, " ")}\n`).join("");
  const payloadHash = req.headers["x-amz-content-sha256"] ?? sha256(req.body);
  if (payloadHash !== sha256(req.body)) return "x-amz-content-sha256 does not match the body";
  const path = req.url.pathname.split("/").map((seg) => uriEncode(decodeURIComponent(seg))).join("/") || "/";
  const canonicalRequest = [req.method, path, canonicalQuery(req.url), canonicalHeaders, signedHeaders, payloadHash].join("\n");
  const credentialScope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, credentialScope, sha256(canonicalRequest)].join("\n");
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${key.secretAccessKey}`, day!), region!), service!), "aws4_request");
  const expected = Buffer.from(hmac(signingKey, stringToSign).toString("hex"));
  if (!timingSafeEqual(expected, Buffer.from(signature!))) return "the signature does not match";
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** DynamoDB's ListTables on loopback: POST / with X-Amz-Target and an application/x-amz-json-1.0 body. */
export async function startDynamoStandin(key: AwsKey, tables: string[], region = "us-east-1"): Promise<AwsStandin> {
  const log: string[] = [];
  let origin = "";
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(",") : v;
      const answer = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": createHash("md5").update(String(Date.now())).digest("hex") });
        res.end(JSON.stringify(payload));
      };
      const problem = verifySigV4({ method: req.method ?? "GET", url: new URL(req.url ?? "/", origin), headers, body }, key, { region, service: "dynamodb" });
      if (problem) {
        log.push(`${req.method} ${req.url} SigV4 refused: ${problem}`);
        return answer(403, { __type: "com.amazon.coral.service#InvalidSignatureException", message: problem });
      }
      if (req.method !== "POST" || req.url !== "/" || headers["x-amz-target"] !== "DynamoDB_20120810.ListTables" || headers["content-type"] !== "application/x-amz-json-1.0") {
        log.push(`${req.method} ${req.url} not ListTables`);
        return answer(400, { __type: "com.amazon.coral.validate#ValidationException", message: "expected POST / with X-Amz-Target DynamoDB_20120810.ListTables and application/x-amz-json-1.0" });
      }
      let input: { Limit?: unknown };
      try {
        input = JSON.parse(body.toString("utf8") || "{}") as { Limit?: unknown };
      } catch {
        return answer(400, { __type: "com.amazon.coral.service#SerializationException", message: "body is not JSON" });
      }
      const limit = typeof input.Limit === "number" ? input.Limit : 100;
      log.push(`POST / ListTables SigV4 valid (key ${key.accessKeyId}, signed ${/SignedHeaders=([^,]+)/.exec(headers.authorization!)![1]})`);
      answer(200, { TableNames: tables.slice(0, limit) });
    })().catch((e: unknown) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
