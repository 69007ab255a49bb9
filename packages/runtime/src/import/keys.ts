/**
 * Unknown keys are not dropped: each is reported at its line, with the nearest key the
 * compose specification allows there (`voluems` → `volumes`). `x-` keys are extensions and
 * always allowed.
 */
import { suggest } from "@berth/dsl";
import { KNOWN_KEYS, type KeyPlace } from "./known-keys";
import type { ComposeSource, Path } from "./source";

export { editDistance, suggest } from "@berth/dsl";

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** Throws at the first key of `value` (a mapping at `path`) that `place` does not allow. */
export function checkKeys(value: unknown, place: KeyPlace, source: ComposeSource, path: Path): void {
  if (!isObj(value)) return;
  const known: readonly string[] = KNOWN_KEYS[place];
  for (const key of Object.keys(value)) {
    if (key.startsWith("x-") || known.includes(key)) continue;
    const near = suggest(key, known);
    throw source.error(`unknown key "${key}"`, [...path, key], { key: true, hint: near ? `; did you mean "${near}"?` : "" });
  }
}

/** Checks every place whose keys the specification lists, from the top level down. */
export function checkFile(file: Obj, source: ComposeSource): void {
  checkKeys(file, "top", source, []);
  const sections = [
    ["networks", "network"],
    ["volumes", "volume"],
    ["secrets", "secret"],
    ["configs", "config"],
  ] as const;
  for (const [section, place] of sections) {
    const entries = file[section];
    if (isObj(entries)) for (const [name, v] of Object.entries(entries)) checkKeys(v, place, source, [section, name]);
  }
  if (!isObj(file.services)) return;
  for (const [name, svc] of Object.entries(file.services)) {
    const at = ["services", name];
    checkKeys(svc, "service", source, at);
    if (!isObj(svc)) continue;
    checkKeys(svc.build, "build", source, [...at, "build"]);
    checkKeys(svc.healthcheck, "healthcheck", source, [...at, "healthcheck"]);
    checkKeys(svc.deploy, "deploy", source, [...at, "deploy"]);
    if (Array.isArray(svc.ports)) svc.ports.forEach((p, i) => checkKeys(p, "port", source, [...at, "ports", i]));
    if (Array.isArray(svc.volumes)) svc.volumes.forEach((v, i) => checkKeys(v, "mount", source, [...at, "volumes", i]));
    if (isObj(svc.depends_on)) {
      for (const [dep, v] of Object.entries(svc.depends_on)) checkKeys(v, "dependsOn", source, [...at, "depends_on", dep]);
    }
  }
}
