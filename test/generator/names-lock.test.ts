// names.lock.json: which old names survive a regeneration as deprecated aliases, and for how long.
import { describe, expect, it } from "vitest";
import { printNamesLock } from "../../generator/emit/names-lock-json.js";
import { namedOperations, parseNamesLock, updateNames, type NamedOperation, type NamesLock } from "../../generator/model/names-lock.js";
import { UsageError } from "../../generator/errors.js";

const op = (key: string, route: string, name: string): NamedOperation => ({ key, route, name });
const lock = (operations: NamedOperation[], aliases: NamesLock["aliases"] = {}, document = "doc1"): NamesLock => ({
  lockfileVersion: 1,
  document,
  operations: Object.fromEntries(operations.map((o) => [o.key, [o.route, o.name]])),
  aliases,
});

const getPet = op("getPet", "GET /pets/{id}", "pets.getPet");
const listOwners = op("listOwners", "GET /owners", "owners.list");
const until = "2026-06-30"; // 2026-01-01 + 180 days

describe("updateNames", () => {
  const cases: [string, { previous?: NamesLock; current: NamedOperation[]; document?: string; today?: string; want: { aliases: string[]; warnings?: RegExp[] } }][] = [
    ["a new client has no aliases", { current: [getPet], want: { aliases: [] } }],
    ["an unchanged client keeps its lock", { previous: lock([getPet]), current: [getPet], want: { aliases: [] } }],
    ["an override renames a method: the old name stays", { previous: lock([getPet]), current: [op("getPet", "GET /pets/{id}", "pets.retrieve")], want: { aliases: [`pets.getPet -> getPet until ${until}`] } }],
    ["a method moves to another namespace", { previous: lock([listOwners]), current: [op("listOwners", "GET /owners", "people.list")], document: "doc2", want: { aliases: [`owners.list -> listOwners until ${until}`] } }],
    [
      "the document changed the operationId: found again by its route",
      { previous: lock([getPet]), current: [op("showPetById", "GET /pets/{id}", "pets.showPetById")], document: "doc2", want: { aliases: [`pets.getPet -> showPetById until ${until}`] } },
    ],
    ["a removed operation leaves no alias", { previous: lock([getPet, listOwners]), current: [listOwners], document: "doc2", want: { aliases: [] } }],
    [
      "an old name another operation now has cannot stay",
      {
        previous: lock([getPet, op("getPetPhoto", "GET /pets/{id}/photo", "pets.photo")]),
        current: [op("getPet", "GET /pets/{id}", "pets.retrieve"), op("getPetPhoto", "GET /pets/{id}/photo", "pets.getPet")],
        want: { aliases: ["pets.photo -> getPetPhoto until 2026-06-30"], warnings: [/pets\.getPet was renamed pets\.retrieve, but pets\.getPet now calls getPetPhoto/] },
      },
    ],
    [
      "an alias outlives its date while nothing changes",
      { previous: lock([op("getPet", "GET /pets/{id}", "pets.retrieve")], { "pets.getPet": { operation: "getPet", renamedOn: "2025-01-01", until: "2025-06-30" } }), current: [op("getPet", "GET /pets/{id}", "pets.retrieve")], want: { aliases: ["pets.getPet -> getPet until 2025-06-30"] } },
    ],
    [
      "an alias past its date goes with the next change of the inputs",
      {
        previous: lock([op("getPet", "GET /pets/{id}", "pets.retrieve")], { "pets.getPet": { operation: "getPet", renamedOn: "2025-01-01", until: "2025-06-30" } }),
        current: [op("getPet", "GET /pets/{id}", "pets.retrieve")],
        document: "doc2",
        want: { aliases: [] },
      },
    ],
    [
      "an alias within its date survives a change",
      {
        previous: lock([op("getPet", "GET /pets/{id}", "pets.retrieve")], { "pets.getPet": { operation: "getPet", renamedOn: "2025-12-01", until: "2026-05-30" } }),
        current: [op("getPet", "GET /pets/{id}", "pets.retrieve")],
        document: "doc2",
        want: { aliases: ["pets.getPet -> getPet until 2026-05-30"] },
      },
    ],
    [
      "a method renamed twice keeps both old names, each calling the operation",
      {
        previous: lock([op("getPet", "GET /pets/{id}", "pets.retrieve")], { "pets.getPet": { operation: "getPet", renamedOn: "2025-12-01", until: "2026-05-30" } }),
        current: [op("getPet", "GET /pets/{id}", "pets.fetch")],
        want: { aliases: ["pets.getPet -> getPet until 2026-05-30", `pets.retrieve -> getPet until ${until}`] },
      },
    ],
    [
      "a method renamed back drops the alias that is its name again",
      {
        previous: lock([op("getPet", "GET /pets/{id}", "pets.retrieve")], { "pets.getPet": { operation: "getPet", renamedOn: "2025-12-01", until: "2026-05-30" } }),
        current: [getPet],
        want: { aliases: [`pets.retrieve -> getPet until ${until}`] },
      },
    ],
  ];
  it.each(cases)("%s", (_name, { previous, current, document, today, want }) => {
    const history = updateNames(previous, current, document ?? "doc1", today ?? "2026-01-01");
    expect(history.aliases.map((a) => `${a.name} -> ${a.operation} until ${a.until}`)).toEqual(want.aliases);
    expect(Object.keys(history.lock.aliases).sort()).toEqual(history.aliases.map((a) => a.name));
    expect(history.warnings).toHaveLength(want.warnings?.length ?? 0);
    for (const [i, w] of (want.warnings ?? []).entries()) expect(history.warnings[i]).toMatch(w);
  });

  it("returns the previous lock itself when nothing changed, whatever the day", () => {
    const previous = lock([op("getPet", "GET /pets/{id}", "pets.retrieve")], { "pets.getPet": { operation: "getPet", renamedOn: "2025-01-01", until: "2025-06-30" } });
    expect(updateNames(previous, [op("getPet", "GET /pets/{id}", "pets.retrieve")], "doc1", "2030-01-01").lock).toBe(previous);
  });
});

describe("namedOperations", () => {
  it("keys operations by operationId, or by route when there is none or it is repeated", () => {
    const ops = [
      { id: "pets/get", derivedId: false, method: "GET", path: "/pets/{id}", namespace: "pets", name: "get" },
      { id: "pets/get", derivedId: false, method: "PUT", path: "/pets/{id}", namespace: "pets", name: "get2" },
      { id: "deletePetsById", derivedId: true, method: "DELETE", path: "/pets/{id}", namespace: "pets", name: "delete" },
      { id: "listPets", derivedId: false, method: "GET", path: "/pets", namespace: "pets", name: "list" },
    ];
    expect(namedOperations(ops).map((o) => o.key)).toEqual(["GET /pets/{id}", "PUT /pets/{id}", "DELETE /pets/{id}", "listPets"]);
  });
});

describe("names.lock.json", () => {
  it("prints and parses back", () => {
    const l = lock([getPet, listOwners], { "pets.old": { operation: "getPet", renamedOn: "2026-01-01", until } });
    const text = printNamesLock(l);
    expect(parseNamesLock(text, "names.lock.json")).toEqual(l);
    expect(text).toContain('"getPet": ["GET /pets/{id}", "pets.getPet"]');
  });

  const bad: [string, { given: string; want: RegExp }][] = [
    ["not JSON", { given: "{", want: /not valid JSON/ }],
    ["another version", { given: JSON.stringify({ lockfileVersion: 2, document: "d", operations: {}, aliases: {} }), want: /lockfileVersion 2.*at \/lockfileVersion/ }],
    ["a bad operation", { given: JSON.stringify({ lockfileVersion: 1, document: "d", operations: { "a/b": "x" }, aliases: {} }), want: /at \/operations\/a~1b/ }],
    ["a bad date", { given: JSON.stringify({ lockfileVersion: 1, document: "d", operations: {}, aliases: { "a.b": { operation: "x", renamedOn: "soon", until: "2026-01-01" } } }), want: /YYYY-MM-DD.*at \/aliases\/a\.b\/renamedOn/ }],
  ];
  it.each(bad)("a malformed lock is a clear error: %s", (_name, { given, want }) => {
    let error: unknown;
    try {
      parseNamesLock(given, "/x/names.lock.json");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).describe()).toMatch(want);
    expect((error as UsageError).describe()).toContain("file /x/names.lock.json");
  });
});
