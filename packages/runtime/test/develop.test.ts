/**
 * `develop` in synth, import and planning, against oracles: the official compose-spec schema
 * accepts what synth writes; docker-compose 1.29 (which predates `develop`) reads the rest of the
 * file, with `develop` left out by name (NEWER_THAN_1_29); a change of the rules recreates
 * nothing; import writes typed rules that synth writes back unchanged. And the `.dockerignore`
 * rules a watch applies, as docker applies them.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import type { Graph } from "@berth/dsl";
import { importCompose, load, synth, triggeredBy, watchTriggers } from "@berth/runtime";
import { canonicalSpec } from "../src/desired/spec";
import { ignoreMatcher, isEphemeral } from "../src/internal/ignore";
import { toComposeModel } from "../src/synth";
import { composeConfig, NEWER_THAN_1_29, specErrors } from "./helpers/compose-oracle";
import { graphOf, svc } from "./fixtures/synth/graphs";

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-develop-"))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const WATCH = [
  { path: "./src", action: "sync" as const, target: "/app", ignore: ["node_modules/"], initialSync: true },
  { path: "package.json", action: "rebuild" as const },
  { path: "conf", action: "sync+exec" as const, target: "/etc/app", exec: { command: ["kill", "-HUP", "1"], workingDir: "/", environment: { A: "1" } } },
];
const graph: Graph = graphOf("dev", { services: { web: svc("web", { image: "web:dev", build: { context: "." }, develop: { watch: WATCH } }) } });

test("synth writes develop in compose's spelling, valid against the official schema", () => {
  const model = toComposeModel(graph);
  expect(specErrors(model)).toEqual([]);
  expect((model.services.web as Record<string, unknown>).develop).toEqual({
    watch: [
      { path: "./src", action: "sync", target: "/app", ignore: ["node_modules/"], initial_sync: true },
      { path: "package.json", action: "rebuild" },
      { path: "conf", action: "sync+exec", target: "/etc/app", exec: { command: ["kill", "-HUP", "1"], working_dir: "/", environment: { A: "1" } } },
    ],
  });
});

test("docker-compose 1.29 rejects develop, so its read-back leaves it out by name and reads the rest", () => {
  expect(NEWER_THAN_1_29).toEqual(["develop"]);
  fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM scratch\n");
  const printed = composeConfig(synth(graph), { project: "dev", cwd: dir }) as { services: Record<string, Record<string, unknown>> };
  expect(printed.services.web.image).toBe("web:dev");
  expect(printed.services.web.develop).toBeUndefined();
});

test("the rules are not part of the config hash: changing them recreates nothing", () => {
  const without = canonicalSpec(svc("web", { image: "web:dev" }));
  const withRules = canonicalSpec(graph.services.web);
  expect(withRules).toEqual({ ...without });
});

test("import writes typed rules (no extra) that load and synth write back as they were", async () => {
  const compose = `services:
  web:
    image: web:dev
    build: .
    develop:
      watch:
        - path: ./src
          action: sync
          target: /app
          ignore: [node_modules/]
          initial_sync: true
        - path: package.json
          action: rebuild
        - path: conf
          action: sync+exec
          target: /etc/app
          exec:
            command: kill -HUP 1
            user: root
`;
  fs.writeFileSync(path.join(dir, "compose.yml"), compose);
  const { code } = importCompose(path.join(dir, "compose.yml"), { cwd: dir, project: "dev" });
  expect(code).toContain(`{ path: "./src", action: "sync", target: "/app", ignore: ["node_modules/"], initialSync: true }`);
  expect(code).not.toContain("extra");
  fs.writeFileSync(path.join(dir, "stack.ts"), code);
  const loaded = await load(path.join(dir, "stack.ts"), { cwd: dir });
  const written = parse(synth(loaded.graph)) as { services: { web: { develop: unknown } } };
  expect(written.services.web.develop).toEqual((parse(compose) as { services: { web: { develop: unknown } } }).services.web.develop);
});

test.each([
  // pattern(s), path, ignored
  [["tmp/"], "tmp/a.txt", true],
  [["tmp"], "tmp", true],
  [["tmp"], "src/tmp", false],
  [["*.log"], "debug.log", true],
  [["*.log"], "logs/debug.log", false],
  [["**/*.log"], "logs/deep/debug.log", true],
  [["**/*.log"], "debug.log", true],
  [["src/*/x"], "src/a/x", true],
  [["src/*/x"], "src/a/b/x", false],
  [["docs", "!docs/keep.md"], "docs/keep.md", false],
  [["docs", "!docs/keep.md"], "docs/other.md", true],
  [["./build/"], "build/out.js", true],
  [["a?c"], "abc", true],
  [["a?c"], "a/c", false],
  [["[ab].txt"], "b.txt", true],
  [["# a comment", ""], "# a comment", false],
] as const)("dockerignore %j: %s ignored %s", (patterns, rel, ignored) => {
  expect(ignoreMatcher(patterns)(rel)).toBe(ignored);
});

test.each([
  [".git/HEAD", true],
  ["src/.index.html.swp", true],
  ["src/index.html~", true],
  ["4913", true],
  ["#notes#", true],
  ["src/index.html", false],
])("an editor's temporary file or .git: %s → %s", (rel, ephemeral) => {
  expect(isEphemeral(rel)).toBe(ephemeral);
});

test("a change triggers the rules whose path holds it, minus what the rule, the build context's .dockerignore or an editor ignores", () => {
  fs.writeFileSync(path.join(dir, ".dockerignore"), "src/generated\n");
  const file = path.join(dir, "stack.ts");
  const triggers = watchTriggers({ graph, desired: {} as never, file });
  const hit = (rel: string) => triggeredBy(triggers, path.join(dir, rel)).map((t) => t.rule.action);
  expect(hit("src/index.html")).toEqual(["sync"]);
  expect(hit("src/node_modules/x/index.js")).toEqual([]);
  expect(hit("src/generated/a.js")).toEqual([]);
  expect(hit("src/.index.html.swp")).toEqual([]);
  expect(hit("package.json")).toEqual(["rebuild"]);
  expect(hit("package.json.bak")).toEqual([]);
  expect(hit("conf/app.conf")).toEqual(["sync+exec"]);
  expect(hit("README.md")).toEqual([]);
});
