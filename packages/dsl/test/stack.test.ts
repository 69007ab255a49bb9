import { Config, GRAPH_VERSION, Network, Secret, Service, Stack, Volume, closeSession, openSession, sensitive, type Graph } from "@berth/dsl";
import { at } from "./helpers";

beforeEach(() => openSession({ defaultProject: "test" }));

test("the README example builds the graph it describes", () => {
  const stack = new Stack("blog"); // blog
  const data = new Volume("pgdata");
  const other = new Service("other", { image: "busybox", healthcheck: { test: "true" } });
  const cache = new Service("cache", { image: "redis:7" });
  const db = new Service("db", {
    image: "postgres:16",
    volumes: [{ source: data, target: "/var/lib/postgresql/data" }],
    environment: { POSTGRES_PASSWORD: sensitive("secret") },
    healthcheck: { test: ["CMD", "pg_isready"], interval: "5s", retries: 5 },
  });
  // web
  const web = new Service("web", {
    build: { context: "./app", dockerfile: "Dockerfile", args: { A: "1" }, target: "prod" },
    ports: ["127.0.0.1:8080:80/tcp", 9000, { target: 53, published: 5353, protocol: "udp", hostIp: "127.0.0.1" }],
    dependsOn: [db, { service: other, condition: "healthy" }],
  });
  web.addDependency(cache); // after both exist; optional 2nd arg condition

  const graph = stack.toGraph();

  expect(graph.version).toBe(GRAPH_VERSION);
  expect(graph.project).toBe("blog");
  expect(`${graph.location.file}:${graph.location.line}:`).toBe(at(__filename, "blog"));
  expect(Object.keys(graph.services)).toEqual(["cache", "db", "other", "web"]);
  expect(graph.services.db).toMatchObject({
    image: "postgres:16",
    volumes: [{ type: "volume", source: "pgdata", target: "/var/lib/postgresql/data" }],
    environment: { POSTGRES_PASSWORD: "secret" },
    sensitive: ["environment.POSTGRES_PASSWORD"],
    healthcheck: { test: ["CMD", "pg_isready"], interval: "5s", retries: 5 },
  });
  const { location, ...webSpec } = graph.services.web;
  expect(`${location.file}:${location.line}:${location.column}`).toBe(`${at(__filename, "web")}15`);
  expect(webSpec).toEqual({
    name: "web",
    build: { context: "./app", dockerfile: "Dockerfile", args: { A: "1" }, target: "prod" },
    ports: [
      { hostIp: "127.0.0.1", published: 8080, target: 80, protocol: "tcp" },
      { target: 9000, protocol: "tcp" },
      { hostIp: "127.0.0.1", published: 5353, target: 53, protocol: "udp" },
    ],
    dependsOn: {
      cache: { condition: "service_started" },
      db: { condition: "service_started" },
      other: { condition: "service_healthy" },
    },
  });
  expect(graph.volumes).toEqual({ pgdata: { name: "pgdata", location: expect.any(Object) } });
});

test("the one-liner joins the current stack", () => {
  const stack = new Stack("web");
  new Service("nginx", { image: "nginx:latest", ports: ["80:80"] });
  expect(stack.toGraph().services.nginx.ports).toEqual([{ published: 80, target: 80, protocol: "tcp" }]);
  expect(stack.services.map((s) => s.name)).toEqual(["nginx"]);
});

test("constructs join the most recently created stack", () => {
  const first = new Stack("first");
  new Service("a", { image: "x" });
  const second = new Stack("second");
  new Service("b", { image: "x" });
  expect(Object.keys(first.toGraph().services)).toEqual(["a"]);
  expect(Object.keys(second.toGraph().services)).toEqual(["b"]);
});

test("an explicit { stack } places a construct in that stack without changing the current one", () => {
  const main = new Stack("main");
  const side = new Stack("side");
  const tools = new Service("tools", { image: "x" }, { stack: main });
  new Service("worker", { image: "x" });
  expect(tools.stack).toBe(main);
  expect(Object.keys(main.toGraph().services)).toEqual(["tools"]);
  expect(Object.keys(side.toGraph().services)).toEqual(["worker"]);
});

test("the graph has sorted keys, no undefined values, and survives a JSON round trip unchanged", () => {
  const stack = new Stack("app");
  new Service("web", { image: "nginx", environment: { Z: "1", A: "2" }, labels: { z: "1", a: "2" }, user: undefined });
  new Network("back");
  new Secret("pw", { environment: "PW" });
  new Config("conf", { content: "hello" });
  const graph: Graph = stack.toGraph();
  const json = JSON.stringify(graph);
  expect(JSON.parse(json)).toEqual(graph);
  expect(JSON.stringify(JSON.parse(json))).toBe(json);
  expect(json).not.toContain("undefined");
  expect(Object.keys(graph.services.web.environment ?? {})).toEqual(["A", "Z"]);
  expect(Object.keys(graph.services.web)).toEqual([...Object.keys(graph.services.web)].sort());
  expect(graph.secrets.pw).toMatchObject({ environment: "PW" });
  expect(graph.configs.conf).toMatchObject({ content: "hello" });
});

test("toGraph is deterministic: the same stack gives the same JSON twice", () => {
  const stack = new Stack("app");
  new Service("web", { image: "nginx", ports: ["8000-8002:80-82"] });
  expect(JSON.stringify(stack.toGraph())).toBe(JSON.stringify(stack.toGraph()));
});

test("constructs are identified by brands shared across copies of the package", () => {
  const stack = new Stack("app");
  const web = new Service("web", { image: "nginx" });
  const volume = new Volume("v");
  expect(Service.isService(web)).toBe(true);
  expect(Service.isService(volume)).toBe(false);
  expect(Volume.isVolume(volume)).toBe(true);
  expect(Stack.isStack(stack)).toBe(true);
  expect(Stack.isStack({ name: "app" })).toBe(false);
  // A second copy of the package makes different classes but the same global symbols:
  const fromOtherCopy = { [Symbol.for("@berth/dsl.Service")]: true };
  expect(Service.isService(fromOtherCopy)).toBe(true);
  expect((web as unknown as Record<symbol, unknown>)[Symbol.for("@berth/dsl.Service")]).toBe(true);
  expect(Network.isNetwork(new Network("n"))).toBe(true);
  expect(Secret.isSecret(new Secret("s", { file: "./s" }))).toBe(true);
  expect(Config.isConfig(new Config("c", { file: "./c" }))).toBe(true);
});

test("brands do not leak into JSON, and constructs serialize as { kind, name }", () => {
  const stack = new Stack("app");
  const db = new Service("db", { image: "postgres" });
  const web = new Service("web", { image: "nginx", dependsOn: [db] });
  expect(JSON.parse(JSON.stringify(web.props))).toEqual({ image: "nginx", dependsOn: [{ kind: "service", name: "db" }] });
  expect(JSON.parse(JSON.stringify(stack))).toEqual({ kind: "stack", name: "app" });
});

test("closeSession returns the stacks made since openSession", () => {
  const a = new Stack("a");
  const b = new Stack("b");
  expect(closeSession()).toEqual([a, b]);
});
