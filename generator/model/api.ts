// The intermediate model the emitters read. Built from a validated OpenAPI 3.x document by
// build.ts; nothing here refers to raw OpenAPI objects.
import type { BodyKind, HttpMethod, ParamLocation, ParamSpec, ResponseKind } from "../../runtime/operation.js";
import type { ToolOverride } from "../../catalog/index.js";
import type { NamedOperation } from "./names-lock.js";
import type { SchemaNode } from "./schema.js";

export interface ParamModel {
  /** Property name in the params object (the wire name unless renamed for a collision). */
  property: string;
  wireName: string;
  in: ParamLocation;
  required: boolean;
  schema: SchemaNode;
  description?: string;
  deprecated?: boolean;
  style?: ParamSpec["style"];
  explode?: boolean;
  allowReserved?: boolean;
  /** A path parameter whose empty value is a request of its own (see emptyPathValue in build.ts). */
  allowEmpty?: boolean;
}

export interface BodyModel {
  kind: BodyKind;
  mediaType: string;
  required: boolean;
  /** Absent for raw binary bodies without a schema. */
  schema?: SchemaNode;
  description?: string;
}

/** One declared response body (or its absence). */
export interface ResponseVariant {
  status: string;
  kind: ResponseKind;
  mediaType?: string;
  schema?: SchemaNode;
}

/**
 * A representation of an operation's answer a caller may ask for by media type (`accept` in the
 * call's options), listed only for operations whose 2xx answers declare more than one.
 */
export interface RepresentationModel {
  /** Lower-case media type without parameters: the `accept` value and the Accept header sent. */
  mediaType: string;
  kind: ResponseKind;
  /**
   * The answer's schema in this representation: json only, from the first 2xx status declaring
   * it; absent for the default representation, whose type is the operation's `success`.
   */
  schema?: SchemaNode;
}

export interface PaginationModel {
  /** Dot path of the items array in the page body; absent when the page is the array. */
  items?: string;
  item: SchemaNode;
}

export interface OperationModel {
  /** operationId, or the stable fallback. */
  id: string;
  /** True when `id` was derived because the document has no operationId. */
  derivedId: boolean;
  method: HttpMethod;
  path: string;
  namespace: string;
  name: string;
  /** Prefix of the operation's type names, e.g. `ReposListForOrg`. */
  typeName: string;
  tags: string[];
  summary?: string;
  description?: string;
  deprecated: boolean;
  docsUrl?: string;
  params: ParamModel[];
  body?: BodyModel;
  success: ResponseVariant[];
  errors: ResponseVariant[];
  responseKind: ResponseKind;
  /** The Accept header the runtime sends instead of the kind's default (the media type the response is typed from). */
  accept?: string;
  /**
   * Every representation the 2xx answers declare, the default (the one `success` is typed from)
   * first, the others by media type; absent when there is only one.
   */
  representations?: RepresentationModel[];
  paginate?: PaginationModel;
  baseUrl?: string;
  /** The document's `x-alter-tool` extension: what this operation's tool says instead of the derived (emit/tools/). */
  tool?: ToolOverride;
  /** JSON pointer of the operation object, for messages. */
  pointer: string;
}

/** An old method name kept for a renamed operation (model/aliases.ts, model/names-lock.ts). */
export interface AliasModel {
  /** The old method name, a member of the namespace that holds the alias. */
  name: string;
  /** The old type-name prefix (`UsersGetUser`); absent when it now names something else. */
  typeName?: string;
  /** The operation the old name calls, under its new name (maybe in another namespace). */
  target: OperationModel;
  /** The last day the alias is promised (YYYY-MM-DD). */
  until: string;
}

export interface NamespaceModel {
  /** Property of the client object, e.g. `repos`. */
  name: string;
  /** Type-name prefix, e.g. `Repos`. */
  typeName: string;
  /** Module file stem, e.g. `repos` (`issue-comments`). */
  file: string;
  /** Sorted by method name; empty for a namespace that only holds aliases. */
  operations: OperationModel[];
  /** Old names of renamed operations, sorted by name. */
  aliases?: AliasModel[];
}

export interface ApiModel {
  providerId: string;
  title: string;
  apiVersion: string;
  openapiVersion: "3.0" | "3.1";
  sha256: string;
  /** Component schemas by name (document order). */
  schemas: Map<string, SchemaNode>;
  /** Sorted by name. */
  namespaces: NamespaceModel[];
  /** Every operation of the document (before --include/--exclude) as the client names it. */
  operationNames: NamedOperation[];
  warnings: string[];
}
