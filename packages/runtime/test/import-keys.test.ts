/**
 * The key lists import suggests from are a copy of the compose specification's (the CLI must
 * not read shared/ at run time): this test derives them from the schema and fails on drift.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { KNOWN_KEYS } from "../src/import/known-keys";
import { suggest } from "../src/import/keys";
import { sharedDir } from "./helpers/compose-oracle";

type Schema = { [k: string]: unknown };
const schema = JSON.parse(fs.readFileSync(path.join(sharedDir(), "compose-spec/compose-spec.json"), "utf8")) as Schema;
const defs = schema.definitions as Record<string, Schema>;
const service = defs.service.properties as Record<string, Schema>;
const keysOf = (node: Schema): string[] => Object.keys((node.properties as object | undefined) ?? {});
const objectAlternative = (node: Schema): Schema => (node.oneOf as Schema[]).find((alt) => alt.type === "object") as Schema;

test("KNOWN_KEYS is the compose specification's, place by place", () => {
  const dependsOnEntry = Object.values(objectAlternative(service.depends_on).patternProperties as Record<string, Schema>)[0];
  expect(KNOWN_KEYS).toEqual({
    top: keysOf(schema),
    service: Object.keys(service),
    build: keysOf(objectAlternative(service.build)),
    healthcheck: keysOf(defs.healthcheck),
    deploy: keysOf(defs.deployment),
    port: keysOf(objectAlternative(service.ports.items as Schema)),
    mount: keysOf(objectAlternative(service.volumes.items as Schema)),
    dependsOn: keysOf(dependsOnEntry),
    network: keysOf(defs.network),
    volume: keysOf(defs.volume),
    secret: keysOf(defs.secret),
    config: keysOf(defs.config),
  });
});

test.each([
  ["voluems", "volumes"],
  ["enviroment", "environment"],
  ["depends-on", "depends_on"],
  ["containr_name", "container_name"],
  ["imag", "image"],
  ["helthcheck", "healthcheck"],
])("%s suggests %s", (typo, meant) => {
  expect(suggest(typo, KNOWN_KEYS.service)).toBe(meant);
});

test("a word far from every key suggests nothing", () => {
  expect(suggest("frobnicate", KNOWN_KEYS.service)).toBeUndefined();
});
