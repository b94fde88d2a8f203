// English singulars for resource names (`/customers/{id}/sources` -> `createSource`). Path
// segments are nouns, mostly regular plurals; the rules below cover the regular endings, and the
// tables the words where a rule would guess wrong (`caches` is not `cach`, `aliases` is not
// `aliase`, `data` has no singular to take). A wrong singular is a wrong public method name, so
// a word the tables do not know and no rule fits is left as it is.

/** Plural -> singular for words no ending rule gets right. */
const IRREGULAR: Readonly<Record<string, string>> = {
  people: "person",
  children: "child",
  men: "man",
  women: "woman",
  feet: "foot",
  teeth: "tooth",
  geese: "goose",
  mice: "mouse",
  indices: "index",
  matrices: "matrix",
  vertices: "vertex",
  appendices: "appendix",
  criteria: "criterion",
  phenomena: "phenomenon",
  axes: "axis",
  crises: "crisis",
  diagnoses: "diagnosis",
  leaves: "leaf",
  halves: "half",
  knives: "knife",
  lives: "life",
  wives: "wife",
  selves: "self",
  shelves: "shelf",
  wolves: "wolf",
  thieves: "thief",
  heroes: "hero",
  echoes: "echo",
  potatoes: "potato",
  tomatoes: "tomato",
  vetoes: "veto",
  quizzes: "quiz",
  menus: "menu",
  // -ses where the singular keeps its s (the default for -ases is `case` from `cases`).
  aliases: "alias",
  canvases: "canvas",
  atlases: "atlas",
  biases: "bias",
  gases: "gas",
  // -ches where the singular ends in e (the default is `match` from `matches`).
  caches: "cache",
  niches: "niche",
  avalanches: "avalanche",
  headaches: "headache",
  // -uses after a vowel or at the start (the default after a consonant is `status` from `statuses`).
  uses: "use",
  // -ies where the singular ends in ie (the default is `entry` from `entries`).
  movies: "movie",
  cookies: "cookie",
  zombies: "zombie",
  pies: "pie",
  ties: "tie",
  lies: "lie",
  selfies: "selfie",
  smoothies: "smoothie",
  // -oes where the singular ends in oe.
  shoes: "shoe",
  toes: "toe",
  canoes: "canoe",
};

/**
 * Words that end in s (or look plural) but are singular or have no singular: uncountable nouns,
 * singular nouns in -s, and acronyms. Each is its own singular.
 */
const INVARIANT: ReadonlySet<string> = new Set([
  "data",
  "metadata",
  "media",
  "news",
  "series",
  "species",
  "information",
  "equipment",
  "analytics",
  "statistics",
  "physics",
  "economics",
  "ethics",
  "logistics",
  "mathematics",
  "politics",
  "diabetes",
  "kudos",
  // Resources that are one object however they are spelt: GET /branching-model/settings.
  "settings",
  "preferences",
  "details",
  "chaos",
  "canvas",
  "alias",
  "atlas",
  "bias",
  "gas",
  "bus",
  "lens",
  "plus",
  "bonus",
  "campus",
  "census",
  "corpus",
  "virus",
  "status",
  "focus",
  "radius",
  "consensus",
  "apparatus",
  "yes",
  "this",
  "os",
  "ios",
  "macos",
  "dns",
  "sms",
  "mms",
  "tls",
  "https",
  "cors",
  "aws",
  "gcs",
  "gps",
  "kms",
  "sns",
  "sqs",
  "ses",
  "rds",
  "ecs",
  "eks",
]);

/** Keeps the case of the word's first letter (`People` -> `Person`). */
function withCaseOf(word: string, replacement: string): string {
  return /^[A-Z]/.test(word) ? replacement.charAt(0).toUpperCase() + replacement.slice(1) : replacement;
}

/** The ending rules, first match wins; each returns the singular or undefined. */
const RULES: readonly [RegExp, (word: string) => string][] = [
  // analyses -> analysis, hypotheses -> hypothesis, parentheses -> parenthesis
  [/(ys|thes)es$/i, (w) => w.slice(0, -2) + "is"],
  // entries -> entry, policies -> policy (after a consonant; `keys`, `days` fall to plain -s)
  [/[^aeiou]ies$/i, (w) => w.slice(0, -3) + "y"],
  // addresses -> address, classes -> class
  [/sses$/i, (w) => w.slice(0, -2)],
  // statuses -> status, buses -> bus, bonuses -> bonus (after a consonant)
  [/[^aeiou]uses$/i, (w) => w.slice(0, -2)],
  // boxes -> box, indexes -> index, taxes -> tax
  [/xes$/i, (w) => w.slice(0, -2)],
  // buzzes -> buzz
  [/zzes$/i, (w) => w.slice(0, -2)],
  // matches -> match, branches -> branch, pushes -> push, hashes -> hash
  [/(ch|sh)es$/i, (w) => w.slice(0, -2)],
  // Singular endings in s: status, access, analysis (checked after the -es plurals above).
  [/(ss|us|is)$/i, (w) => w],
  // licenses -> license, responses -> response, cases -> case, sources -> source, repos -> repo
  [/[^s]s$/i, (w) => w.slice(0, -1)],
];

/**
 * The singular of one word: `sources` -> `source`, `entries` -> `entry`, `statuses` -> `status`,
 * `aliases` -> `alias`, `caches` -> `cache`, `people` -> `person`, `data` -> `data`.
 */
export function singularWord(word: string): string {
  const lower = word.toLowerCase();
  if (INVARIANT.has(lower)) return word;
  const irregular = IRREGULAR[lower];
  if (irregular) return withCaseOf(word, irregular);
  // An acronym's plural: `APIs`, `URLs`.
  if (/^[A-Z]{2,}s$/.test(word)) return word.slice(0, -1);
  // Short all-consonant words are acronyms (`dns`), never plurals.
  if (word.length <= 3 && !/[aeiouy]/i.test(word)) return word;
  for (const [pattern, rule] of RULES) if (pattern.test(word)) return rule(word);
  return word;
}

/**
 * The singular of a path segment, whose last word is the noun: `known_hosts` -> `known_host`,
 * `IncomingPhoneNumbers` -> `IncomingPhoneNumber`, `branch-restrictions` -> `branch-restriction`.
 */
export function singular(segment: string): string {
  // The last word: `Numbers` of `IncomingPhoneNumbers`, `APIs` of `ListAPIs`, `hosts` of `known_hosts`.
  const m = /([A-Z]+s|[A-Z][a-z0-9]*|[a-z0-9]+)$/.exec(segment);
  if (!m) return segment;
  return segment.slice(0, m.index) + singularWord(m[0]);
}

/** Whether a segment names a collection (its singular differs). */
export function isPlural(segment: string): boolean {
  return singular(segment) !== segment;
}
