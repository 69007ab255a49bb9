/**
 * Properties of synth over arbitrary valid graphs: the YAML reads back (YAML 1.2 and 1.1
 * readers alike) as exactly the model, is deterministic, and a sample of graphs is read back
 * by docker-compose 1.29 with the same values.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { parse } from "yaml";
import type { Graph } from "@berth/dsl";
import { isPlainSafe, synth, toComposeModel } from "../src/synth";
import { toYaml, toYamlWithLibrary } from "../src/synth/yaml";
import { composeConfig, expectReadBackAsWritten, pyYamlToJson, scaffoldProjectDir, specErrors } from "./helpers/compose-oracle";
import { graph, tricky } from "./fixtures/synth/arbitraries";

const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversedKeys) as T;
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).reverse()) out[key] = reversedKeys((value as Record<string, unknown>)[key]);
  return out as T;
}

describe("synth over arbitrary graphs", () => {
  it("writes YAML that YAML 1.2 and YAML 1.1 readers both read back as the compose model", () => {
    fc.assert(
      fc.property(graph, (g) => {
        const text = synth(g);
        const model = plain(toComposeModel(g));
        expect(parse(text)).toEqual(model);
        expect(parse(text, { version: "1.1" })).toEqual(model);
      }),
      { numRuns: 300 },
    );
  });

  it("is deterministic: byte-identical twice and whatever the key insertion order", () => {
    fc.assert(
      fc.property(graph, (g) => {
        const text = synth(g);
        expect(synth(g)).toBe(text);
        expect(synth(reversedKeys(g))).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it("produces files the compose-spec schema accepts", () => {
    fc.assert(
      fc.property(graph, (g) => {
        expect(specErrors(toComposeModel(g))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("writes every string so that PyYAML (YAML 1.1) reads it back as itself", () => {
    // One PyYAML call for a few thousand strings: plain-looking ones (the quoting rule's
    // plain side) and arbitrary ones (its quoted side), as values and as keys.
    const plainish = fc.stringMatching(/^[A-Za-z_/.][A-Za-z0-9_./@:+-]{0,10}$/);
    const strings = fc.sample(fc.oneof(plainish, tricky, fc.string({ unit: "binary" })), 3000).filter((x) => !x.includes("\u0085"));
    const doc: Record<string, string> = {};
    strings.forEach((x, i) => {
      doc[`v${i}`] = x;
      doc[x] = x;
    });
    // The YAML layer alone: synth would also escape `$` for compose's interpolation.
    expect(pyYamlToJson(toYaml({ doc }))).toEqual({ doc });
    expect(strings.filter(isPlainSafe).length).toBeGreaterThan(300);
  });

  it("is read back by docker-compose 1.29 with the same values", () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "berth-synth-prop-"));
    try {
      fc.assert(
        fc.property(graph, (g: Graph) => {
          scaffoldProjectDir(g, cwd);
          const printed = composeConfig(synth(g), { project: g.project, cwd });
          expectReadBackAsWritten(g, toComposeModel(g), printed, cwd);
        }),
        { numRuns: Number(process.env.SYNTH_COMPOSE_RUNS ?? 15) },
      );
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe("toYaml, written by hand, is the yaml package's rendering byte for byte", () => {
  /** Plain data of every shape synth emits, keys and strings from the YAML-trap generator. */
  const data: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      tricky,
      fc.integer({ min: -100_000, max: 100_000 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(0, -0, 0.5, 1e21, 1e-7, -1.5),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie("value"), { maxLength: 4 }),
      fc.dictionary(tricky, fc.option(tie("value"), { nil: undefined, freq: 6 }), { maxKeys: 4 }),
    ),
  })).value;

  it("for arbitrary nested maps, lists and scalars", () => {
    fc.assert(
      fc.property(data, (v) => {
        expect(toYaml(v)).toBe(toYamlWithLibrary(v));
      }),
      { numRuns: 2000 },
    );
  });

  it("for the compose model of arbitrary graphs", () => {
    fc.assert(
      fc.property(graph, (g) => {
        const model = toComposeModel(g);
        expect(toYaml(model)).toBe(toYamlWithLibrary(model));
      }),
      { numRuns: 100 },
    );
  });

  it("hands what it does not write itself to the library: non-finite numbers, very long keys", () => {
    const odd = { a: [1, Number.POSITIVE_INFINITY, Number.NaN], [`k${"x".repeat(1200)}`]: "v" };
    expect(toYaml(odd)).toBe(toYamlWithLibrary(odd));
    expect(toYaml(odd)).toContain(".inf");
  });
});
