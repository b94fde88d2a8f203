// The operations of a provider outside the catalog (migration 074), stored from the document
// given to `vault providers set --from-spec`: [id, method, path template] triples. Read and
// written by the store's repository (store/provider-operations.ts).

export type OperationTriple = [id: string, method: string, path: string];
