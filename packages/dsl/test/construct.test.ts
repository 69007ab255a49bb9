// Wall time: ~0.2 s (pure: no I/O).
import { Config, Construct, Network, Secret, Service, Stack, Volume, openSession } from "@berth/dsl";
import { at, problemLines } from "./helpers";

beforeEach(() => openSession({ defaultProject: "test" }));

/** The component of issue 15: a database and a web server, usable twice in one stack. */
class WebApp extends Construct {
  readonly db: Service;
  readonly web: Service;
  constructor(scope: Construct, id: string, props: { image: string; port: number }) {
    super(scope, id);
    this.db = new Service(this, "db", { image: "postgres:16" });
    this.web = new Service(this, "web", { image: props.image, ports: [`127.0.0.1:${props.port}:80`], dependsOn: [this.db] }); // component-web
  }
}

test("the WebApp component used twice gives four services named after their paths, each web depending on its own db", () => {
  const stack = new Stack("shop");
  new WebApp(stack, "blue", { image: "nginx:1.27", port: 8081 });
  new WebApp(stack, "green", { image: "nginx:1.27", port: 8082 });

  const graph = stack.toGraph();

  expect(Object.keys(graph.services)).toEqual(["blue-db", "blue-web", "green-db", "green-web"]);
  expect(graph.services["blue-web"].dependsOn).toEqual({ "blue-db": { condition: "service_started" } });
  expect(graph.services["green-web"].dependsOn).toEqual({ "green-db": { condition: "service_started" } });
  expect(graph.services["green-web"].ports).toEqual([{ hostIp: "127.0.0.1", published: 8082, target: 80, protocol: "tcp" }]);
});

test("every construct takes (scope, id, props) as well as the one-liner (name, props), and joins the scope's stack", () => {
  const stack = new Stack("app");
  new Stack("later"); // the current stack now; the scope form still joins "app"
  const group = new Construct(stack, "team");
  new Service(group, "api", { image: "x" });
  new Network(group, "back");
  new Volume(group, "data");
  new Secret(group, "token", { environment: "TOKEN" });
  new Config(group, "conf", { content: "x" });
  new Service(stack, "top", { image: "x" });

  const graph = stack.toGraph();

  expect(Object.keys(graph.services)).toEqual(["team-api", "top"]);
  expect(Object.keys(graph.networks)).toEqual(["team-back"]);
  expect(Object.keys(graph.volumes)).toEqual(["team-data"]);
  expect(Object.keys(graph.secrets)).toEqual(["team-token"]);
  expect(Object.keys(graph.configs)).toEqual(["team-conf"]);
  expect(group.children.map((c) => c.id)).toEqual(["api", "back", "data", "token", "conf"]);
  expect(group.path).toEqual(["team"]);
  expect(group.stack).toBe(stack);
});

test("a construct can set its name explicitly instead of deriving it from its path", () => {
  const stack = new Stack("app");
  const group = new Construct(stack, "team");
  const db = new Service(group, "db", { image: "postgres:16" }, { name: "database" });
  expect(db.name).toBe("database");
  expect(Object.keys(stack.toGraph().services)).toEqual(["database"]);
});

test("references work across components: a service of one component mounts a volume and depends on a service of another", () => {
  const stack = new Stack("shop");
  const blue = new WebApp(stack, "blue", { image: "nginx:1.27", port: 8081 });
  const shared = new Construct(stack, "shared");
  const cache = new Volume(shared, "cache");
  new Service(shared, "worker", { image: "busybox", dependsOn: [blue.db], volumes: [{ source: cache, target: "/cache" }] });

  const worker = stack.toGraph().services["shared-worker"];

  expect(worker.dependsOn).toEqual({ "blue-db": { condition: "service_started" } });
  expect(worker.volumes).toEqual([{ type: "volume", source: "shared-cache", target: "/cache" }]);
});

test("addDependency works on any construct: a component depending on a component makes each of its services depend on all of the other's", () => {
  const stack = new Stack("shop");
  const blue = new WebApp(stack, "blue", { image: "nginx:1.27", port: 8081 });
  const green = new WebApp(stack, "green", { image: "nginx:1.27", port: 8082 });
  const migrate = new Service(stack, "migrate", { image: "busybox" });
  green.addDependency(blue, "healthy");
  blue.web.addDependency(migrate, "completed");

  const { services } = stack.toGraph();

  const onBlue = { "blue-db": { condition: "service_healthy" }, "blue-web": { condition: "service_healthy" } };
  expect(services["green-db"].dependsOn).toEqual(onBlue);
  expect(services["green-web"].dependsOn).toEqual({ ...onBlue, "green-db": { condition: "service_started" } });
  expect(services["blue-web"].dependsOn).toEqual({ "blue-db": { condition: "service_started" }, migrate: { condition: "service_completed_successfully" } });
  expect(services["blue-db"].dependsOn).toBeUndefined();
});

test("a service depending on a component depends on all of its services", () => {
  const stack = new Stack("shop");
  const blue = new WebApp(stack, "blue", { image: "nginx:1.27", port: 8081 });
  const probe = new Service(stack, "probe", { image: "busybox" }).addDependency(blue);
  expect(stack.toGraph().services[probe.name].dependsOn).toEqual({
    "blue-db": { condition: "service_started" },
    "blue-web": { condition: "service_started" },
  });
});

test("the same component twice never collides, and two components with the same id are reported as duplicates at both lines", () => {
  const stack = new Stack("shop");
  new WebApp(stack, "blue", { image: "nginx:1.27", port: 8081 });
  new WebApp(stack, "blue", { image: "nginx:1.27", port: 8082 }); // second-blue
  const lines = problemLines(stack);
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/service "blue-db": a service named "blue-db" already exists in stack "shop"/);
  expect(lines.every((l) => l.includes(`; in WebApp "blue" at ${at(__filename, "second-blue")}`))).toBe(true);
});

test("an error inside a component names the component's line and the user's new WebApp(…) line", () => {
  const stack = new Stack("shop");
  new WebApp(stack, "blue", { image: "nginx:1.27", port: 8081 });
  new WebApp(stack, "green", { image: "nginx:1.27", port: 70000 }); // bad-green

  const lines = problemLines(stack);

  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^${at(__filename, "component-web")}\\d+: service "green-web": ports\\[0\\] "127.0.0.1:70000:80": `));
  expect(lines[0]).toMatch(new RegExp(`; in WebApp "green" at ${at(__filename, "bad-green")}3$`));
});

test("nested components name every enclosing component, innermost first", () => {
  class Region extends Construct {
    constructor(scope: Construct, id: string) {
      super(scope, id);
      new WebApp(this, "app", { image: "nginx:1.27", port: 99999 }); // inner
    }
  }
  const stack = new Stack("shop");
  new Region(stack, "eu"); // outer
  const [line] = problemLines(stack);
  expect(line).toContain('service "eu-app-web"');
  expect(line).toContain(`; in WebApp "eu-app" at ${at(__filename, "inner")}`);
  expect(line).toMatch(new RegExp(`; in Region "eu" at ${at(__filename, "outer")}\\d+$`));
});

test("a component is located where the user made it, not at its super(…) call", () => {
  const stack = new Stack("shop");
  const blue = new WebApp(stack, "blue", { image: "nginx:1.27", port: 8081 }); // made-here
  expect(`${blue.location.file}:${blue.location.line}:`).toBe(at(__filename, "made-here"));
});

test("a scope that is not a construct is an error at the user's line", () => {
  new Stack("app");
  const bad = () => new Service({} as unknown as Construct, "web", { image: "x" }); // bad-scope
  expect(bad).toThrow(
    new RegExp(`^${at(__filename, "bad-scope")}\\d+: expected new X\\("name", props, options\\?\\) or new X\\(scope, "id", props, options\\?\\)`),
  );
});

test("graph entries made in a component carry its path, for pictures that group by component; entries of the stack itself carry none", () => {
  const stack = new Stack("shop");
  new WebApp(stack, "blue", { image: "nginx:1.27", port: 8081 });
  new Service(stack, "top", { image: "busybox" });
  const { services } = stack.toGraph();
  expect(services["blue-web"].component).toBe("blue");
  expect(services.top.component).toBeUndefined();
});

test("a component made without a scope is an error at the user's line", () => {
  class Lonely extends Construct {}
  const bad = () => new Lonely(undefined as unknown as Construct, "x"); // no-scope
  expect(bad).toThrow(new RegExp(`^${at(__filename, "no-scope")}\\d+: expected new Lonely\\(scope, "id", …\\), where scope is a Stack or a component`));
});
