/**
 * The key-coverage table: every service key of the official compose schema is typed, applied from
 * `extra`, or refused at the service's line — checked key by key on the compose planner (pure,
 * no engine) — and the README shows exactly the table this data makes. To refresh the README after
 * a change: BERTH_UPDATE_README=1 npx jest packages/runtime/test/coverage.test.ts. Wall time < 2 s.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Graph, ServiceSpec } from "@berth/dsl";
import { EXTRA_KEYS, extraFields } from "../src/compose/extra-keys";
import type { Observed } from "../src/compose/observed";
import { planCompose } from "../src/compose/plan";
import { coverageMarkdown, serviceKeyCoverage, TYPED_SERVICE_KEYS } from "../src/coverage";
import { resolveDesired } from "../src/desired/resolve";
import { service as synthService } from "../src/synth/service";
import { sharedDir } from "./helpers/compose-oracle";
import { SAMPLES } from "./helpers/host-samples";

const schema = JSON.parse(fs.readFileSync(path.join(sharedDir(), "compose-spec/compose-spec.json"), "utf8")) as {
  definitions: { service: { properties: Record<string, unknown> } };
};
/** The DSL's own props schema (generated from ServiceProps): a typed key's prop must be one of them. */
const propsSchema = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../dsl/src/internal/props-schema.json"), "utf8")) as {
  $defs: { ServiceProps: { properties: Record<string, unknown> } };
};
const schemaKeys = Object.keys(schema.definitions.service.properties);
const rows = serviceKeyCoverage(schemaKeys);
const here = { file: "stack.ts", line: 3, column: 1 };
const README = path.resolve(__dirname, "../../../README.md");
const START = "<!-- key-coverage:start -->";
const END = "<!-- key-coverage:end -->";

function planWith(spec: Partial<ServiceSpec>) {
  const graph: Graph = {
    version: 1,
    project: "kc",
    location: here,
    services: { web: { name: "web", location: here, image: "web:1", ...spec } },
    networks: {},
    volumes: {},
    secrets: {},
    configs: {},
  };
  const empty: Observed = {
    project: "kc",
    endpoint: "test",
    containers: [],
    networks: [],
    volumes: [],
    foreign: [],
    foreignNetworks: [],
    foreignVolumes: [],
    images: { "web:1": "sha256:web" },
  };
  return planCompose(resolveDesired(graph, { dir: "/s", env: {} }), empty);
}

test("every service key of the schema has exactly one row, and every typed key names a prop that synth writes back under that key", () => {
  expect(rows.map((r) => r.key)).toEqual([...schemaKeys].sort());
  for (const [key, prop] of Object.entries(TYPED_SERVICE_KEYS)) {
    expect(schemaKeys).toContain(key);
    expect(Object.keys(propsSchema.$defs.ServiceProps.properties)).toContain(prop);
    // A spec where only this prop is set writes (at least) this key.
    const probe: Partial<Record<keyof ServiceSpec, unknown>> = {
      build: { context: "." },
      command: ["true"],
      configs: [{ source: "c" }],
      dependsOn: { db: { condition: "service_started" } },
      deploy: { replicas: 2 },
      environment: { A: "1" },
      envFiles: [".env"],
      expose: [80],
      healthcheck: { test: ["CMD", "true"] },
      labels: { a: "b" },
      networks: { default: {} },
      ports: [{ target: 80, protocol: "tcp" }],
      profiles: ["p"],
      secrets: [{ source: "s" }],
      volumes: [{ type: "volume", source: "v", target: "/v" }],
      volumesFrom: [{ service: "db" }],
      develop: { watch: [{ path: "src", action: "sync", target: "/app" }] },
    };
    const value =
      probe[prop] ??
      (["init", "tty", "stdinOpen", "privileged", "readOnly"].includes(prop)
        ? true
        : prop === "restart"
          ? "always"
          : prop === "pullPolicy"
            ? "always"
            : ["capAdd", "capDrop", "dns", "extraHosts", "entrypoint"].includes(prop)
              ? ["x"]
              : "x");
    const written = synthService({ name: "web", location: here, [prop]: value } as ServiceSpec) as Record<string, unknown>;
    expect({ prop, key, written: key in written }).toEqual({ prop, key, written: true });
  }
});

test.each(Object.keys(EXTRA_KEYS))("extra.%s reaches the engine field it names, and the plan has no blocker", (key) => {
  const { fields, problems } = extraFields({ extra: { [key]: SAMPLES[key] } });
  expect(problems).toEqual([]);
  const [where, field] = EXTRA_KEYS[key].engine.split(".");
  expect((where === "HostConfig" ? fields.host : fields.config)?.[field]).toBeDefined();
  expect(planWith({ extra: { [key]: SAMPLES[key] } }).blockers).toEqual([]);
});

test.each(Object.keys(EXTRA_KEYS))(
  "the typed prop of %s reaches the same engine field with the same value as extra does, and the plan has no blocker",
  (key) => {
    const { prop } = EXTRA_KEYS[key];
    const typed = extraFields({ [prop]: SAMPLES[key] });
    expect(typed.problems).toEqual([]);
    expect(typed.fields).toEqual(extraFields({ extra: { [key]: SAMPLES[key] } }).fields);
    expect(planWith({ [prop]: SAMPLES[key] }).blockers).toEqual([]);
    expect((synthService({ name: "web", location: here, [prop]: SAMPLES[key] } as ServiceSpec) as Record<string, unknown>)[key]).toEqual(SAMPLES[key]);
  },
);

test.each(rows.filter((r) => r.compose === "refused").map((r) => r.key))("extra.%s is refused at the service's line on the compose target", (key) => {
  expect(planWith({ extra: { [key]: "x" } }).blockers.map((b) => b.message)).toEqual([
    expect.stringMatching(new RegExp(`^stack\\.ts:3:1: service "web": extra\\.${key}: dsl apply does not apply this compose key on the compose target`)),
  ]);
});

test.each(["post_start", "pre_stop"])("extra.%s is refused at the service's line with why: a lifecycle hook docker-compose 1.29 does not know", (key) => {
  expect(planWith({ extra: { [key]: [{ command: "echo hi" }] } }).blockers.map((b) => b.message)).toEqual([
    `stack.ts:3:1: service "web": extra.${key}: dsl apply does not apply this compose key on the compose target: it is a lifecycle hook, which docker-compose 1.29 refuses too ("Unsupported config option"; docker compose v2.30 or newer runs it); remove it, run the command from the container's entrypoint, or deploy the synthesized file with docker compose v2.30+`,
  ]);
});

test("the README shows the table this data makes", () => {
  const readme = fs.readFileSync(README, "utf8");
  const table = `${START}\n${coverageMarkdown(rows)}${END}`;
  if (process.env.BERTH_UPDATE_README === "1") {
    fs.writeFileSync(README, readme.replace(new RegExp(`${START}[\\s\\S]*?${END}`), table));
    return;
  }
  expect(readme.includes(START) && readme.includes(END)).toBe(true);
  expect(readme.slice(readme.indexOf(START), readme.indexOf(END) + END.length)).toBe(table);
  // The first screen's count is the table's.
  const typed = rows.filter((r) => r.compose === "applied").length;
  const fromExtra = rows.filter((r) => r.compose === "applied from extra").length;
  const alsoFromExtra = fromExtra ? `, applies ${fromExtra} more from \`extra\`` : "";
  expect(readme).toMatch(new RegExp(`Berth models ${typed} of the compose\\s+specification's ${rows.length} service keys as typed props${alsoFromExtra},`));
});
