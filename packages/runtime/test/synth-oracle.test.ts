/**
 * synth against oracles no one here wrote: the compose-spec JSON schema, and Debian's
 * docker-compose 1.29 reading the file back (`config`, no engine needed).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Graph } from "@berth/dsl";
import { sensitiveVariables, synth, toComposeModel } from "../src/synth";
import {
  canonicalPort,
  composeConfig,
  normalizeModel,
  normalizeReadback,
  pyYamlToJson,
  scaffoldProjectDir,
  sharedDir,
  specErrors,
} from "./helpers/compose-oracle";
import { blog, compat, graphOf, SPEC_ONLY_CASES, specOnly, svc, trapsGraph, TRAPS } from "./fixtures/synth/graphs";

let cwd: string;
beforeAll(() => {
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), "berth-synth-"));
});
afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

/** GIVEN a graph, WHEN synthesized and read by docker-compose 1.29, THEN its printout. */
function readBack(graph: Graph): Record<string, unknown> {
  scaffoldProjectDir(graph, cwd);
  return composeConfig(synth(graph), { project: graph.project, cwd, env: sensitiveVariables(graph) });
}

type Svc = Record<string, unknown>;
const serviceOf = (printed: Record<string, unknown>, name: string) => (normalizeReadback(printed, cwd).services as Record<string, Svc>)[name];

describe("the shared folder", () => {
  it("sits beside the repository (or at $BERTH_SHARED)", () => {
    expect(fs.existsSync(path.join(sharedDir(), "compose-spec/compose-spec.json"))).toBe(true);
  });
});

describe("synth against the compose-spec JSON schema", () => {
  it.each([
    ["blog", blog],
    ["compat", compat],
    ["traps", trapsGraph()],
    ["spec-only", specOnly()],
  ])("the %s stack is valid", (_name, graph) => {
    expect(specErrors(toComposeModel(graph as Graph))).toEqual([]);
  });

  it("is a real check: it rejects what the spec does not allow", () => {
    expect(specErrors({ services: { s: { image: "x", ports: [{ target: 80, bogus: 1 }] } }, name2: 1 })).not.toEqual([]);
  });
});

describe("synth read back by docker-compose 1.29", () => {
  it.each([
    ["blog", blog],
    ["compat", compat],
    ["traps", trapsGraph()],
  ])("reads the %s stack back as the model says", (_name, graph) => {
    const printed = readBack(graph as Graph);
    // With the variables set, compose reads back the values the graph holds.
    expect(normalizeReadback(printed, cwd)).toEqual(normalizeModel(toComposeModel(graph as Graph, { sensitive: "inline" }), cwd));
  });

  it("reads every YAML 1.1 trap back as exactly the string the graph holds", () => {
    const graph = trapsGraph();
    const spec = graph.services.t;
    const t = serviceOf(readBack(graph), "t");
    expect(t.environment).toEqual(spec.environment);
    expect(t.labels).toEqual(spec.labels);
    expect(t.command).toEqual([...TRAPS]);
    expect(t.user).toBe("22:22");
    expect(t.working_dir).toBe("/0755");
  });

  it("reads the graph's own values back: image, ports, mounts, env, deploy", () => {
    const app = serviceOf(readBack(compat), "app");
    const spec = compat.services.app;
    expect(app.image).toBe(spec.image);
    expect(app.command).toEqual(spec.command);
    expect(app.environment).toEqual(spec.environment);
    expect(app.ports).toEqual(
      spec.ports
        ?.map((p) => canonicalPort({ target: p.target, published: p.published, host_ip: p.hostIp, protocol: p.protocol, mode: p.mode }))
        .map(dropUndefined),
    );
    expect((app.volumes as Svc[]).map((v) => v.target)).toEqual(spec.volumes?.map((v) => v.target));
    expect((app.volumes as Svc[])[3]).toEqual({ type: "bind", source: path.join(cwd, "logs"), target: "/logs", read_only: false });
    expect((app.deploy as { resources: unknown }).resources).toEqual({
      limits: { cpus: 0.5, memory: 536870912 },
      reservations: { memory: 1000 },
    });
  });

  // NEL cannot be checked through `config`: compose's printer (PyYAML's emitter) writes it raw
  // in a single-quoted scalar, where it reads back as a line break, folded to a space. So the
  // file is checked with compose's reader alone.
  it("writes NEL so that compose's YAML reader reads it back (its printer cannot)", () => {
    const graph = graphOf("nel", { services: { s: svc("s", { image: "x", environment: { A: "a\u0085b", B: "\u0085" } }) } });
    const read = pyYamlToJson(synth(graph)) as { services: { s: { environment: unknown } } };
    expect(read.services.s.environment).toEqual({ A: "a\u0085b", B: "\u0085" });
  });

  it("passes a `null` environment value through from whoever runs compose", () => {
    scaffoldProjectDir(compat, cwd);
    const printed = composeConfig(synth(compat), { project: "compat", cwd, env: { PASSTHROUGH_UNSET_VAR: "from-shell" } });
    expect(serviceOf(printed, "app").environment).toEqual({ A: "1", PASSTHROUGH_UNSET_VAR: "from-shell" });
  });

  it("keeps `$` literal: compose does not interpolate what the graph holds", () => {
    const graph = graphOf("dollar", {
      services: { s: svc("s", { image: "x", environment: { A: "$HOME", B: "${HOME}", C: "a$$b" }, command: "echo $HOME" }) },
    });
    const s = serviceOf(readBack(graph), "s");
    expect(s.environment).toEqual({ A: "$HOME", B: "${HOME}", C: "a$$b" });
    expect(s.command).toBe("echo $HOME");
  });

  // What the compose spec allows and Debian's docker-compose 1.29 refuses; synth writes the
  // spec's form (it is what compose v2 and Swarm read). Each case is one field of specOnly().
  it.each(SPEC_ONLY_CASES.map((c) => [c.what, c]))("rejects %s, which the spec allows", (_what, c) => {
    const { graph, complaint } = c as (typeof SPEC_ONLY_CASES)[number];
    const message = errorOf(() => readBack(graph));
    expect(message).toMatch(/docker-compose config rejected/);
    expect(message.split("--- input ---")[0]).toMatch(complaint);
  });
});

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return String(e);
  }
  return "(no error)";
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
