/** Which services a per-service command acts on: pure, no engine. */
import type { Graph, ServiceSpec } from "@berth/dsl";
import type { Observed, ObservedContainer } from "../src/compose/observed";
import { planCompose, planComposeDestroy } from "../src/compose/plan";
import type { Prepared } from "../src/deploy";
import { resolveDesired } from "../src/desired/resolve";
import { Labels } from "../src/labels";
import { dependentsLeft, observedDependencies, onlyServices, scaled, withDependencies } from "../src/select";

const here = { file: "stack.ts", line: 1, column: 1 };
const started = { condition: "service_started" as const };

function stack(services: Record<string, Partial<ServiceSpec>>, extra: Partial<Graph> = {}): Prepared {
  const svcs: Record<string, ServiceSpec> = {};
  for (const [name, s] of Object.entries(services)) svcs[name] = { name, location: here, image: "busybox:1", ...s };
  const graph: Graph = { version: 1, project: "shop", location: here, services: svcs, networks: {}, volumes: {}, secrets: {}, configs: {}, ...extra };
  return { graph, file: "/stack/stack.ts", desired: resolveDesired(graph, { dir: "/stack", env: {} }) };
}

// db ← web ← worker; cache ← web; other alone, on its own network and volume
const shop = stack(
  {
    db: { volumes: [{ type: "volume", source: "pgdata", target: "/data" }] },
    cache: {},
    web: { dependsOn: { db: started, cache: started } },
    worker: { dependsOn: { web: started } },
    other: { networks: { back: {} }, volumes: [{ type: "volume", source: "scratch", target: "/s" }] },
  },
  {
    networks: { back: { name: "back", location: here } },
    volumes: { pgdata: { name: "pgdata", location: here }, scratch: { name: "scratch", location: here } },
  },
);

function container(service: string, state: ObservedContainer["state"], dependsOn = ""): ObservedContainer {
  return {
    id: service.padEnd(64, "0"),
    name: `shop-${service}-1`,
    service,
    number: 1,
    oneoff: false,
    state,
    status: state,
    image: "busybox:1",
    imageId: "sha256:busybox",
    labels: { [Labels.project]: "shop", [Labels.service]: service, ...(dependsOn ? { [Labels.dependsOn]: dependsOn } : {}) },
    networks: ["shop_default"],
  };
}

const observed = (containers: ObservedContainer[]): Observed => ({
  project: "shop",
  endpoint: "unix:///test.sock",
  containers,
  networks: [{ id: "n1", name: "shop_default", logicalName: "default", driver: "bridge", labels: {} }],
  volumes: [{ name: "shop_pgdata", logicalName: "pgdata", driver: "local", labels: {} }],
  foreign: [],
  foreignNetworks: [],
  foreignVolumes: [],
  images: { "busybox:1": "sha256:busybox" },
});

test("a named service comes with everything it depends on, transitively, unless deps is false", () => {
  expect(withDependencies(shop.desired, ["worker"])).toEqual(["cache", "db", "web", "worker"]);
  expect(withDependencies(shop.desired, ["worker"], { deps: false })).toEqual(["worker"]);
  expect(() => withDependencies(shop.desired, ["wokrer"])).toThrow('project "shop" has no service "wokrer" (services: cache, db, other, web, worker)');
});

test("GIVEN an engine running only other WHEN web is planned alone THEN web, its dependencies and the network and volume they use are created, and other is no orphan", () => {
  const services = withDependencies(shop.desired, ["web"]);
  const only = onlyServices(shop, services);
  expect(Object.keys(only.desired.networks)).toEqual(["default"]);
  expect(Object.keys(only.desired.volumes)).toEqual(["pgdata"]);
  const plan = planCompose(only.desired, { ...observed([container("other", "running")]), networks: [], volumes: [] }, { services });
  expect(plan.actions.map((a) => `${a.verb} ${a.id}`).sort()).toEqual([
    "create network:default",
    "create service:cache:1",
    "create service:db:1",
    "create service:web:1",
    "create volume:pgdata",
  ]);
});

test("--scale changes replicas only: two more containers, no recreate", () => {
  const up = scaled(shop, { web: 3 });
  expect(up.desired.services.web.replicas).toBe(3);
  expect(up.desired.services.web.hash).toBe(shop.desired.services.web.hash);
  expect(() => scaled(shop, { wbe: 2 })).toThrow('has no service "wbe"');
});

test("a per-service destroy removes the named services' containers only, and no network or volume", () => {
  const obs = observed([container("db", "running"), container("web", "running", "db:service_started:false"), container("other", "exited")]);
  const plan = planComposeDestroy(obs, { services: ["web"] });
  expect(plan.actions.map((a) => `${a.verb} ${a.resource}`)).toEqual(["remove web"]);
  expect(plan.keptVolumes).toEqual([]);
  expect(planComposeDestroy(obs).actions.map((a) => `${a.verb} ${a.kind}`)).toContain("remove network");
});

test("dependencies read from the containers' labels, with their depth: dependencies first", () => {
  const cs = [
    container("db", "running"),
    container("cache", "running"),
    container("web", "running", "db:service_started:false,cache:service_healthy:true"),
    container("worker", "running", "web:service_started:false"),
  ];
  expect(Object.fromEntries(observedDependencies(cs, ["worker"]))).toEqual({ cache: 0, db: 0, web: 1, worker: 2 });
  expect(dependentsLeft(cs, ["db"])).toEqual([{ service: "web", dependsOn: ["db"] }]);
  expect(dependentsLeft(cs, ["db", "web"])).toEqual([{ service: "worker", dependsOn: ["web"] }]);
  expect(dependentsLeft(cs, ["worker"])).toEqual([]);
});
