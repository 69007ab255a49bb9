// Wall time: ~0.3 s (pure: Graph → text).
import { Construct, Network, Secret, Service, Stack, Volume, openSession } from "@berth/dsl";
import { drawGraph, pictureOf } from "../src";

beforeEach(() => openSession({ defaultProject: "test" }));

class WebApp extends Construct {
  constructor(scope: Construct, id: string, port: number) {
    super(scope, id);
    const db = new Service(this, "db", { image: "postgres:16", volumes: [{ source: new Volume(this, "data"), target: "/var/lib/postgresql/data" }] });
    new Service(this, "web", { image: "nginx:1.27", ports: [`127.0.0.1:${port}:80`], dependsOn: [{ service: db, condition: "healthy" }] });
  }
}

function shop() {
  const stack = new Stack("shop");
  const token = new Secret("token", { environment: "TOKEN" });
  const edge = new Network("edge");
  new WebApp(stack, "blue", 8081);
  new WebApp(stack, "green", 8082);
  new Service("proxy", { image: "traefik:3", networks: [edge], secrets: [token] });
  return stack.toGraph();
}

test("a picture groups services by component (the stack's own first), with every resource and edge", () => {
  const picture = pictureOf(shop());
  expect(picture.groups.map((g) => [g.component, g.services.map((s) => `${s.name}@${s.depth}`)])).toEqual([
    [undefined, ["proxy@0"]],
    ["blue", ["blue-db@0", "blue-web@1"]],
    ["green", ["green-db@0", "green-web@1"]],
  ]);
  expect(picture.resources.map((r) => `${r.kind} ${r.name}`)).toEqual(["network edge", "volume blue-data", "volume green-data", "secret token"]);
  expect(picture.edges.filter((e) => e.kind === "depends")).toEqual([
    { from: "n2", to: "n1", kind: "depends", label: "healthy" },
    { from: "n4", to: "n3", kind: "depends", label: "healthy" },
  ]);
});

test("mermaid: a subgraph per component, arrows to dependencies, dotted lines to resources", () => {
  expect(drawGraph(shop(), "mermaid")).toBe(
    [
      "flowchart LR",
      '  n0["proxy<br/>traefik:3"]',
      '  subgraph g1["blue"]',
      '    n1["blue-db<br/>postgres:16"]',
      '    n2["blue-web<br/>nginx:1.27"]',
      "  end",
      '  subgraph g2["green"]',
      '    n3["green-db<br/>postgres:16"]',
      '    n4["green-web<br/>nginx:1.27"]',
      "  end",
      '  n5{{"network edge"}}',
      '  n6[("volume blue-data")]',
      '  n7[("volume green-data")]',
      '  n8>"secret token"]',
      "  n1 -.- n6",
      "  n2 -->|healthy| n1",
      "  n3 -.- n7",
      "  n4 -->|healthy| n3",
      "  n0 -.- n5",
      "  n0 -.- n8",
      "",
    ].join("\n"),
  );
});

test("dot: a dashed cluster per component, shapes by kind", () => {
  const dot = drawGraph(shop(), "dot");
  expect(dot).toMatch(/^digraph "shop" \{\n {2}rankdir=RL;/);
  expect(dot).toContain('  subgraph cluster_1 {\n    label="blue";\n    style=dashed;\n    n1 [shape=box, label="blue-db\\npostgres:16"];');
  expect(dot).toContain('  n6 [shape=cylinder, label="volume blue-data"];');
  expect(dot).toContain('  n2 -> n1 [label="healthy"];');
  expect(dot).toContain("  n0 -> n8 [style=dashed, arrowhead=none];");
});

test("svg and html are self-contained (no script, no external reference) and name every service and resource; every format is deterministic", () => {
  const graph = shop();
  const svg = drawGraph(graph, "svg");
  const html = drawGraph(graph, "html");
  for (const name of ["proxy", "blue-db", "blue-web", "green-db", "green-web", "network edge", "volume blue-data", "secret token"]) {
    expect(svg).toContain(`>${name}</text>`);
  }
  for (const band of ["stack shop", "component blue", "component green"]) expect(svg).toContain(`>${band}</text>`);
  expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="\d+" height="\d+"/);
  expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
  expect(html).toContain(svg.trimEnd());
  for (const text of [svg, html]) {
    expect(text).not.toMatch(/<script|<link|@import|href=|src=/i);
  }
  for (const format of ["mermaid", "dot", "svg", "html"] as const) expect(drawGraph(shop(), format)).toBe(drawGraph(graph, format));
});

test("names are escaped for each format", () => {
  const stack = new Stack("odd");
  new Service("web", { image: "reg.example/ab:1" });
  // Validation refuses such an image; the drawing escapes whatever a graph holds all the same.
  const valid = stack.toGraph();
  const graph = { ...valid, services: { web: { ...valid.services.web, image: 'reg.example/a&b:"1"<2>' } } };
  expect(drawGraph(graph, "svg")).toContain("reg.example/a&amp;b:&quot;1&quot;&lt;2&gt;");
  expect(drawGraph(graph, "dot")).toContain('label="web\\nreg.example/a&b:\\"1\\"<2>"');
  expect(drawGraph(graph, "mermaid")).toContain("reg.example/a&b:#quot;1#quot;<2>");
});
