export const VAULT_VERSION = "0.1.0";
