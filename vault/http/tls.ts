// TLS settings of `vault start --tls-cert/--tls-key`. TLS 1.3 suites are all AEAD with forward
// secrecy; on TLS 1.2 only ECDHE key exchange with AEAD ciphers is offered, so a recorded session
// cannot be decrypted later with the server's key, and no CBC/SHA-1 suite (AES128-SHA and the
// like) is ever negotiated. TLS 1.0 and 1.1 are refused.
import type { SecureContextOptions, TlsOptions } from "node:tls";

/** In the order the server prefers them (TLS 1.3 first; Node splits the list by protocol). */
export const TLS_CIPHERS = [
  "TLS_AES_128_GCM_SHA256",
  "TLS_AES_256_GCM_SHA384",
  "TLS_CHACHA20_POLY1305_SHA256",
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
] as const;

export const TLS_MIN_VERSION = "TLSv1.2" as const;

/** Options for https.createServer from the PEM certificate chain and private key. */
export function tlsServerOptions(pem: { cert: string | Buffer; key: string | Buffer }): TlsOptions & SecureContextOptions {
  return {
    cert: pem.cert,
    key: pem.key,
    minVersion: TLS_MIN_VERSION,
    ciphers: TLS_CIPHERS.join(":"),
    // The server's order wins, so a client listing a weaker allowed suite first still gets AES-GCM.
    honorCipherOrder: true,
  };
}
