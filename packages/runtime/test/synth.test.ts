/** synth: Graph → compose YAML. Mapping, determinism and golden files (update with UPDATE_GOLDEN=1). */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import type { Graph } from "@berth/dsl";
import { isPlainSafe, synth, toComposeModel } from "../src/synth";
import { blog, compat, graphOf, specOnly, svc, trapsGraph, TRAPS } from "./fixtures/synth/graphs";

const GOLDEN_DIR = path.join(__dirname, "fixtures/synth");

function expectGolden(name: string, text: string): void {
  const file = path.join(GOLDEN_DIR, `${name}.golden.yml`);
  if (process.env.UPDATE_GOLDEN === "1") fs.writeFileSync(file, text);
  if (!fs.existsSync(file)) throw new Error(`no golden file ${file}: run with UPDATE_GOLDEN=1 and review it`);
  expect(text).toBe(fs.readFileSync(file, "utf8"));
}

/** The same graph with every map's keys inserted in reverse order, at every depth. */
function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversedKeys) as T;
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).reverse()) out[key] = reversedKeys((value as Record<string, unknown>)[key]);
  return out as T;
}

describe("synth", () => {
  it.each([
    ["blog", blog],
    ["compat", compat],
    ["traps", trapsGraph()],
    ["spec-only", specOnly()],
  ])("writes the %s stack exactly as its golden file", (name, graph) => {
    expectGolden(name, synth(graph as Graph));
  });

  it("starts with the project as a comment and writes neither `name:` nor `version:`", () => {
    const text = synth(blog);
    expect(text.startsWith("# project: blog\n")).toBe(true);
    const parsed = parse(text) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(["services", "networks", "volumes"]);
  });

  it("is byte-identical across runs and whatever order the graph's keys were inserted in", () => {
    for (const graph of [blog, compat, trapsGraph()]) {
      const first = synth(graph);
      expect(synth(graph)).toBe(first);
      expect(synth(reversedKeys(graph))).toBe(first);
    }
  });

  it("maps camelCase graph fields to compose's snake_case keys", () => {
    const app = toComposeModel(compat).services.app;
    expect(app.container_name).toBe("compat-app");
    expect(app.env_file).toEqual(["env/app.env"]);
    expect(app.depends_on).toEqual({ worker: { condition: "service_started" } });
    expect(app.healthcheck?.start_period).toBe("10s");
    expect(app.deploy?.restart_policy).toEqual({ condition: "on-failure", delay: "5s", max_attempts: 3, window: "2m" });
    expect(app.deploy?.update_config?.failure_action).toBe("rollback");
    expect(app.deploy?.placement?.max_replicas_per_node).toBe(1);
    expect(app.stdin_open).toBe(true);
  });

  it("writes ports in the short form when it can say them, the long form when a mode is set", () => {
    expect(toComposeModel(compat).services.app.ports).toEqual([
      "127.0.0.1:8080:80/tcp",
      "53/udp",
      "[::1]:9000:9000/tcp",
      "127.0.0.1::9100/tcp",
      { target: 7000, published: 7000, protocol: "tcp", mode: "host" },
    ]);
  });

  it("writes mounts short when simple, long for options, colons and tmpfs; bare bind paths get `./`", () => {
    expect(toComposeModel(compat).services.app.volumes).toEqual([
      "data:/data:ro",
      { type: "volume", source: "cache", target: "/cache", volume: { nocopy: true } },
      "./conf:/etc/app:ro",
      "./logs:/logs",
      { type: "bind", source: "/srv/a:b", target: "/colon" },
      { type: "tmpfs", target: "/tmp", tmpfs: { size: 1048576 } },
    ]);
  });

  it("writes an anonymous volume in the form it was written in: a container path alone, or the long form without a source", () => {
    const graph = graphOf("p", {
      services: {
        s: svc("s", {
          image: "x",
          volumes: [
            { type: "anonymous", target: "/project/node_modules", short: true },
            { type: "anonymous", target: "/cache" },
            { type: "anonymous", target: "/ro", readOnly: true, noCopy: true },
          ],
        }),
      },
    });
    expect(toComposeModel(graph).services.s.volumes).toEqual([
      "/project/node_modules",
      { type: "volume", target: "/cache" },
      { type: "volume", target: "/ro", read_only: true, volume: { nocopy: true } },
    ]);
  });

  it("writes a bind in the form it was written in: the short form by default, the long form when long (compose 1.29 makes it a Mounts entry)", () => {
    const graph = graphOf("p", {
      services: {
        s: svc("s", {
          image: "x",
          volumes: [
            { type: "bind", source: "./src", target: "/app" },
            { type: "bind", source: "./conf", target: "/etc/app", readOnly: true, long: true },
          ],
        }),
      },
    });
    expect(toComposeModel(graph).services.s.volumes).toEqual(["./src:/app", { type: "bind", source: "./conf", target: "/etc/app", read_only: true }]);
  });

  it("writes memory as a string with an exact binary unit, cpus as written", () => {
    const res = toComposeModel(compat).services.app.deploy?.resources;
    expect(res).toEqual({ limits: { cpus: "0.5", memory: "512m" }, reservations: { memory: "1000" } });
  });

  it("escapes `$` in values as `$$` so compose does not interpolate them, but leaves keys and `extra` alone", () => {
    const graph = graphOf("p", {
      services: { s: svc("s", { image: "x", environment: { K$: "a$b" }, extra: { "x-raw": "${KEEP}" } }) },
    });
    const s = toComposeModel(graph).services.s;
    expect(s.environment).toEqual({ K$: "a$$b" });
    expect(s["x-raw"]).toBe("${KEEP}");
  });

  it("emits `extra` keys verbatim after the modeled keys, sorted", () => {
    const keys = Object.keys(toComposeModel(compat).services.app);
    expect(keys.slice(-2)).toEqual(["cpu_count", "x-team"]);
    expect(keys[0]).toBe("image");
  });

  it("writes external resources as `external: true` with their engine name", () => {
    const model = toComposeModel(compat);
    expect(model.networks?.shared).toEqual({ external: true, name: "infra_shared" });
    expect(model.volumes?.old).toEqual({ external: true, name: "old" });
    expect(model.secrets?.cert).toEqual({ external: true, name: "prod_cert" });
  });

  it("writes no top-level block for kinds the graph does not have", () => {
    const graph = graphOf("p", { services: { s: svc("s", { image: "x" }) } });
    expect(synth(graph)).toBe("# project: p\nservices:\n  s:\n    image: x\n");
  });

  it("writes a sensitive value as a reference to a variable compose interpolates, never the value", () => {
    const text = synth(blog);
    expect(text).toContain('POSTGRES_PASSWORD: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"');
    expect(text).not.toContain("s3cret");
  });

  it("keeps numbers as numbers and quotes strings that look like them", () => {
    const text = synth(compat);
    expect(text).toMatch(/^ {6}replicas: 1$/m);
    expect(text).toMatch(/^ {8}max_attempts: 3$/m);
    expect(text).toMatch(/^ {8}VERSION: "1.0"$/m);
    expect(text).toMatch(/^ {8}DEBUG: "no"$/m);
  });
});

describe("the YAML 1.1 quoting rule", () => {
  it.each([...TRAPS, "e0", "E-5"].map((t) => [t]))("never writes %j plain", (trap) => {
    expect(isPlainSafe(trap)).toBe(false);
  });

  it.each([
    "nginx",
    "nginx:1.25",
    "registry.example.com/app@sha256:abc",
    "/var/lib/data",
    "node.role",
    "a-b_c",
    "yesterday",
    "Nope",
    "http://x:80/y",
    "./conf",
    "../up",
  ])("writes %j plain", (s) => expect(isPlainSafe(s)).toBe(true));
});
