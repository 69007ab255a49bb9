// Wall time: ~30–40 s in all (budget ≤ 60 s): 400 in-process prop objects, 12 stacks through load(),
// 8 graphs through docker-compose 1.29 config (~1 s each; the values it reads back compared), 300 compose files through import.
/**
 * Fuzzing the input boundary with fast-check: whatever a user writes, Berth answers with a
 * located user error or a correct result, never an internal error (exit 2), a hang, or a file
 * that docker-compose rejects.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { BerthError, Service, Stack, ValidationError, errorKind, openSession, validateGraph } from "@berth/dsl";
import { checkComposeFile, importCompose, load, synth, toComposeModel } from "@berth/runtime";
import { composeConfig, expectReadBackAsWritten, scaffoldProjectDir } from "./helpers/compose-oracle";
import { graph } from "./fixtures/synth/arbitraries";
import SCHEMA from "../../dsl/src/internal/props-schema.json";

let dir: string;
beforeAll(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "berth-fuzz-")));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const SERVICE_KEYS = Object.keys((SCHEMA as { $defs: Record<string, { properties: object }> }).$defs.ServiceProps.properties);

/** Values of every JSON shape (and a few that are not JSON), under real prop names and typos of them. */
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(undefined, Number.NaN, Infinity, () => 1, "80:80", 80, ["A=1"], [{}], { target: "x" }),
);
const wrongProps = fc.dictionary(
  fc.oneof(fc.constantFrom(...SERVICE_KEYS), fc.constantFrom("prots", "imgae", "enviroment", "depends_on", "extra"), fc.string({ maxLength: 6 })),
  anyValue,
  { maxKeys: 5 },
);

/** The outcome of building a stack: a graph, or the ValidationError (anything else fails the property). */
function build(props: unknown): void {
  openSession({ defaultProject: "fuzz" });
  const stack = new Stack("fuzz");
  new Service("web", props as never);
  try {
    stack.toGraph();
  } catch (err) {
    if (!ValidationError.isValidationError(err)) throw err;
    for (const p of err.problems) expect(p.location.file).toBe(path.relative(process.cwd(), __filename));
  }
}

test("props of any shape give a graph or a ValidationError located at the new Service line, never a crash", () => {
  fc.assert(
    fc.property(wrongProps, (props) => build(props)),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(anyValue, (props) => build(props)),
    { numRuns: 100 },
  );
});

test("stacks with props of any shape, through load() and synth, give a user error at stack.ts or a file", async () => {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(wrongProps, async (props) => {
      const sub = path.join(dir, `load-${n++}`);
      fs.mkdirSync(sub);
      const json = JSON.stringify(props, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? "__NaN__" : v)) ?? "{}";
      const literal = json.replace(/"__NaN__"/g, "NaN");
      fs.writeFileSync(path.join(sub, "stack.ts"), `import { Service } from "@berth/dsl";\nnew Service("web", ${literal} as never);\n`);
      try {
        const { graph: g, dir: stackDir } = await load(path.join(sub, "stack.ts"), { cwd: sub, cache: false, timeoutMs: 5000 });
        if (checkComposeFile(g, toComposeModel(g), { dir: stackDir }).length === 0) expect(synth(g)).toContain("services:");
      } catch (err) {
        expect(errorKind(err)).toBe("user");
        expect((err as Error).message).toMatch(/stack\.ts:\d+:\d+/);
      }
    }),
    { numRuns: 12 },
  );
});

test("GIVEN random graphs WHEN Berth finds no problem THEN docker-compose config accepts the synthesized file, and reads back the values written", () => {
  let n = 0;
  let accepted = 0;
  fc.assert(
    fc.property(graph, (g) => {
      const cwd = path.join(dir, `oracle-${n++}`);
      fs.mkdirSync(cwd);
      scaffoldProjectDir(g, cwd);
      for (const s of Object.values(g.secrets)) if (s.file) fs.writeFileSync(path.resolve(cwd, s.file), "x");
      for (const c of Object.values(g.configs)) if (c.file) fs.writeFileSync(path.resolve(cwd, c.file), "x");
      const problems = [...validateGraph(g), ...checkComposeFile(g, toComposeModel(g), { dir: cwd })];
      fc.pre(problems.length === 0);
      accepted++;
      const printed = composeConfig(synth(g), { project: g.project, cwd });
      // Accepted is not enough: what compose understood is what Berth meant, value for value.
      expectReadBackAsWritten(g, toComposeModel(g), printed, cwd);
    }),
    { numRuns: 8 },
  );
  expect(accepted).toBeGreaterThan(0);
});

/** Compose files of random shape under real compose keys (YAML written as JSON, a subset of YAML). */
const composeFile = fc.record(
  {
    services: fc.dictionary(
      fc.constantFrom("web", "db", "yes", "0755", "a b"),
      fc.oneof(
        fc.dictionary(fc.constantFrom("image", "build", "ports", "volumes", "environment", "depends_on", "command", "working_dir", "x-y", "bogus"), anyValue, {
          maxKeys: 4,
        }),
        anyValue,
      ),
      { maxKeys: 3 },
    ),
    volumes: fc.option(fc.dictionary(fc.constantFrom("data", "cache"), anyValue, { maxKeys: 2 }), { nil: undefined }),
    networks: fc.option(fc.dictionary(fc.constantFrom("back", "default"), anyValue, { maxKeys: 2 }), { nil: undefined }),
  },
  { requiredKeys: ["services"] },
);

test("compose files of any shape import to a stack or fail with a user error naming the file", () => {
  let n = 0;
  fc.assert(
    fc.property(composeFile, (file) => {
      const sub = path.join(dir, `import-${n++}`);
      fs.mkdirSync(sub);
      fs.writeFileSync(path.join(sub, "compose.yml"), JSON.stringify(file) ?? "{}");
      try {
        expect(importCompose(path.join(sub, "compose.yml"), { cwd: sub, env: {} }).code).toContain("new Stack(");
      } catch (err) {
        if (!BerthError.isBerthError(err)) throw err;
        expect(err.kind).toBe("user");
        expect(err.message).toMatch(/compose\.yml|\.env/);
      }
    }),
    { numRuns: 300 },
  );
});
