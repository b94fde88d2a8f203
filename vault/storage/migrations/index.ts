// Every schema migration, in any order (db.ts sorts by version). Add one line per file.
import type { Migration } from "./types.js";
import { m001Core } from "./001-core.js";
import { m002Audit } from "./002-audit.js";
import { m003Approvals } from "./003-approvals.js";
import { m004ApproverLinks } from "./004-approver-links.js";
import { m010AuditChain } from "./010-audit-chain.js";
import { m011AuditIndexes } from "./011-audit-indexes.js";
import { m050IdentityOAuth } from "./050-identity-oauth.js";

export const migrations: Migration[] = [m001Core, m002Audit, m003Approvals, m004ApproverLinks, m010AuditChain, m011AuditIndexes, m050IdentityOAuth];
