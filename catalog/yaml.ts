// The YAML parser, loaded on first use: a run on a JSON document (most --spec runs) never needs
// it, and loading it costs about as much CPU as a tenth of generating a small client.
type Yaml = typeof import("yaml");

let loading: Promise<Yaml> | undefined;

export function loadYaml(): Promise<Yaml> {
  return (loading ??= import("yaml"));
}
