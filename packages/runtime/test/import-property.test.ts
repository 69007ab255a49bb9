/**
 * Import inverts synth over arbitrary valid graphs (tricky strings, YAML 1.1 traps, names
 * that are reserved words or numbers): synth(load(import(synth(g)))) is synth(g), byte for byte.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { parse } from "yaml";
import { validateGraph } from "@berth/dsl";
import { importCompose, load, synth } from "@berth/runtime";
import { graph } from "./fixtures/synth/arbitraries";

let dir: string;
beforeAll(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "berth-import-prop-")));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test("synth(load(import(synth(g)))) reads as synth(g) (byte for byte but for key order inside extra)", async () => {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(graph, async (g) => {
      // The generators build graphs directly; names the DSL itself refuses (".inf") cannot come back through it.
      const names = [g.services, g.networks, g.volumes].flatMap((m) => Object.keys(m));
      fc.pre(names.every((n) => /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(n)));
      // Only valid graphs can come back through load(): the generators may, e.g., publish one host port twice.
      fc.pre(validateGraph(g).length === 0);
      const text = synth(g);
      const sub = path.join(dir, String(n++));
      fs.mkdirSync(sub);
      fs.writeFileSync(path.join(sub, "compose.yml"), text);
      const { code } = importCompose(path.join(sub, "compose.yml"), { cwd: sub, env: {} });
      fs.writeFileSync(path.join(sub, "stack.ts"), code);
      const { graph: back } = await load(path.join(sub, "stack.ts"), { cwd: sub, cache: false });
      const again = synth(back);
      if (again !== text) expect(parse(again, { version: "1.1" })).toEqual(parse(text, { version: "1.1" }));
    }),
    { numRuns: Number(process.env.BERTH_PROPERTY_RUNS ?? 60) },
  );
});
