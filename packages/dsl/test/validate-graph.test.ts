import { GRAPH_VERSION, formatLocation, formatProblem, validateGraph, type Graph, type ServiceSpec } from "@berth/dsl";

const here = { file: "stack.ts", line: 1, column: 1 };

function graphWith(services: Record<string, Partial<ServiceSpec>>): Graph {
  const entries = Object.entries(services).map(([name, spec], i) => [name, { name, location: { file: "stack.ts", line: i + 2, column: 1 }, ...spec }]);
  return { version: GRAPH_VERSION, project: "app", location: here, services: Object.fromEntries(entries), networks: {}, volumes: {}, secrets: {}, configs: {} };
}

test("validateGraph is pure: a valid graph has no problems", () => {
  expect(validateGraph(graphWith({ web: { image: "nginx", ports: [{ target: 80, published: 8080, protocol: "tcp" }] } }))).toEqual([]);
});

test("validateGraph reports references to names the graph does not have", () => {
  const graph = graphWith({
    web: { image: "x", dependsOn: { db: { condition: "service_started" } }, volumes: [{ type: "volume", source: "data", target: "/d" }] },
  });
  expect(validateGraph(graph).map(formatProblem)).toEqual([
    `stack.ts:2:1: service "web": dependsOn.db: refers to service "db", which stack "app" does not have`,
    `stack.ts:2:1: service "web": volumes[0].source: refers to volume "data", which stack "app" does not have`,
  ]);
});

test("validateGraph checks port numbers of graphs from any source", () => {
  const graph = graphWith({ web: { image: "x", ports: [{ target: 80, published: 70000, protocol: "tcp" }] } });
  expect(validateGraph(graph).map(formatProblem)).toEqual([`stack.ts:2:1: service "web": ports[0] 70000: host port 70000 is outside 0–65535`]);
});

test("an unset host IP overlaps every address; distinct addresses and protocols do not clash", () => {
  const graph = graphWith({
    a: {
      image: "x",
      ports: [
        { target: 80, published: 80, protocol: "tcp", hostIp: "127.0.0.1" },
        { target: 53, published: 53, protocol: "udp" },
      ],
    },
    b: {
      image: "x",
      ports: [
        { target: 80, published: 80, protocol: "tcp", hostIp: "127.0.0.2" },
        { target: 53, published: 53, protocol: "tcp" },
      ],
    },
    c: { image: "x", ports: [{ target: 81, published: 80, protocol: "tcp" }] },
  });
  expect(validateGraph(graph).map(formatProblem)).toEqual([
    `stack.ts:4:1: service "c": ports[0] "80:81/tcp": host port 80/tcp is also published by service "a" (stack.ts:2:1) as 127.0.0.1:80:80/tcp`,
  ]);
});

test("formatLocation prints file:line:col, and a placeholder when unknown", () => {
  expect(formatLocation({ file: "stack.ts", line: 3, column: 7 })).toBe("stack.ts:3:7");
  expect(formatLocation(undefined)).toBe("<unknown location>");
});
