/**
 * The compose planner after an interrupted apply, and for rollouts on one engine, without
 * Docker: every state a killed recreate can leave is recognised and continued (never a rename
 * onto a taken name), and `deploy.updateConfig` becomes batches of start-first or stop-first
 * recreates.
 */
import type { Graph, ServiceSpec } from "@berth/dsl";
import type { Observed, ObservedContainer } from "../src/compose/observed";
import { planCompose } from "../src/compose/plan";
import { resolveDesired, type DesiredState } from "../src/desired/resolve";
import { Labels } from "../src/labels";
import { formatPlan } from "../src/target/format";

const here = { file: "stack.ts", line: 7, column: 1 };

function desiredOf(web: Partial<ServiceSpec>): DesiredState {
  const graph: Graph = {
    version: 1,
    project: "rc",
    location: here,
    services: { web: { name: "web", location: here, image: "web:1", init: true, ...web } },
    networks: {},
    volumes: {},
    secrets: {},
    configs: {},
  };
  return resolveDesired(graph, { dir: "/s", env: {} });
}

/** A container of web as a perfect apply of `d` would have made it (hash and spec labels), patched. */
function container(d: DesiredState, number: number, patch: Partial<ObservedContainer> = {}): ObservedContainer {
  const s = d.services.web;
  const id = `c${number}${patch.name ?? ""}`.replace(/[^0-9a-z]/g, "").padEnd(64, "0");
  return {
    id,
    name: `rc-web-${number}`,
    service: "web",
    number,
    oneoff: false,
    state: "running",
    status: "Up",
    image: "web:1",
    imageId: "sha256:web",
    labels: { [Labels.project]: "rc", [Labels.service]: "web", [Labels.configHash]: s.hash, [Labels.spec]: JSON.stringify(s.spec) },
    networks: ["rc_default"],
    ...patch,
  };
}

function observed(containers: ObservedContainer[]): Observed {
  return {
    project: "rc",
    endpoint: "test",
    containers,
    networks: [{ id: "n1", name: "rc_default", logicalName: "default", driver: "bridge", labels: {} }],
    volumes: [],
    foreign: [],
    foreignNetworks: [],
    foreignVolumes: [],
    images: { "web:1": "sha256:web" },
  };
}

const ops = (p: ReturnType<typeof planCompose>) =>
  p.steps.map((s) => `${s.op} ${"container" in s ? (typeof s.container === "string" ? s.container.slice(0, 8) : "new") : ""}`.trim());
const before = desiredOf({ environment: { LEVEL: "info" } });
const after = desiredOf({ environment: { LEVEL: "debug" } });
const parkedOld = (state: ObservedContainer["state"] = "running") =>
  container(before, 1, { id: "abc".padEnd(64, "0"), name: `rc-web-1_berth-old-${"abc".padEnd(12, "0")}`, state });

describe("after an interrupted recreate", () => {
  test("an old container parked without a successor: the recreate goes on from there (no rename), and the preview says what it found", () => {
    const p = planCompose(after, observed([parkedOld()]));
    expect(ops(p)).toEqual(["container.create", "container.stop abc00000", "container.start new", "container.remove abc00000"]);
    expect(formatPlan(p)).toContain('~ service  web      recovering an interrupted recreate of rc-web-1; recreate: environment.LEVEL "info" → "debug"');
  });

  test("with a successor that was made but never started: the successor goes first, then the recreate goes on", () => {
    const successor = container(after, 1, { id: "def".padEnd(64, "0"), state: "created" });
    const p = planCompose(after, observed([parkedOld(), successor]));
    expect(ops(p)).toEqual(["container.remove def00000", "container.create", "container.stop abc00000", "container.start new", "container.remove abc00000"]);
  });

  test("with a successor that runs: only the parked old container is left over, and removed", () => {
    const p = planCompose(after, observed([parkedOld("exited"), container(after, 1)]));
    expect(p.actions.map((a) => `${a.verb} ${a.engineName}`)).toEqual([`remove rc-web-1_berth-old-${"abc".padEnd(12, "0")}`]);
    expect(formatPlan(p)).toContain("- service  web      recovering an interrupted recreate of rc-web-1: its old container");
  });

  test("a scale 3 → 1 killed while replica 1 was parked: 2 and 3 go, 1's recreate goes on (seen in CI: a kept replica 2 made two)", () => {
    const p = planCompose(after, observed([parkedOld(), container(before, 2), container(before, 3)]));
    expect(p.actions.map((a) => `${a.verb} ${a.engineName}`).sort()).toEqual(["recreate rc-web-1", "remove rc-web-2", "remove rc-web-3"]);
  });

  test("two containers holding one replica's number: the first is kept, the second removed", () => {
    const twin = container(after, 1, { id: "fff".padEnd(64, "0"), name: "rc-web-1-twin" });
    const p = planCompose(after, observed([container(after, 1), twin]));
    expect(p.actions.map((a) => `${a.verb} ${a.engineName}: ${a.cause}`)).toEqual(["remove rc-web-1-twin: scale down to 1"]);
  });

  test("an old container that is still what the stack wants gets its name back (and is started), nothing is recreated", () => {
    expect(ops(planCompose(before, observed([parkedOld()])))).toEqual(["container.rename abc00000"]);
    expect(ops(planCompose(before, observed([parkedOld("exited")])))).toEqual(["container.rename abc00000", "container.start abc00000"]);
  });

  test("a container made but never started (an interrupted create) is made again, not started as it is", () => {
    const p = planCompose(before, observed([container(before, 1, { state: "created" })]));
    expect(p.actions.map((a) => `${a.verb}: ${a.cause}`)).toEqual(["recreate: container rc-web-1 was made but never started (an interrupted apply?)"]);
  });

  test("a running container missing one of its networks is recreated, naming the network", () => {
    const p = planCompose(before, observed([container(before, 1, { networks: [] })]));
    expect(p.actions[0].cause).toBe("container rc-web-1 is not attached to network rc_default (an interrupted apply?)");
  });
});

describe("rollouts on one engine (deploy.updateConfig)", () => {
  const health = { test: ["CMD", "true"], interval: "1s" };
  const rolling = (patch: Partial<ServiceSpec>) =>
    desiredOf({ healthcheck: health, deploy: { replicas: 2, updateConfig: { order: "start-first", parallelism: 1, delay: "2s" } }, ...patch });

  test("start-first: the new container starts beside the old one, is waited for, then the old one leaves DNS and stops; one replica at a time, 2 s apart", () => {
    const was = rolling({ environment: { LEVEL: "info" } });
    const p = planCompose(rolling({ environment: { LEVEL: "debug" } }), observed([container(was, 1), container(was, 2)]));
    const one = p.steps.filter((s) => s.action === "service:web:1").map((s) => s.op);
    expect(one).toEqual([
      "container.rename",
      "container.create",
      "container.start",
      "wait.containers",
      "network.disconnect",
      "container.stop",
      "container.remove",
    ]);
    const second = p.steps.filter((s) => s.action === "service:web:2");
    expect(second[0]).toMatchObject({ op: "wait.sleep", ms: 2000, after: ["service:web:1/7"] });
    expect(p.steps.find((s) => s.op === "wait.containers")).toMatchObject({ condition: "ready", containers: ["rc-web-1"], milestone: "recreated" });
    expect(formatPlan(p)).toContain("recreate 2 (rolling, start-first, 1 at a time, 2s apart, waits for healthy): environment.LEVEL");
    // A new container that never gets ready leaves the service's DNS name before it is removed.
    expect(p.steps.find((s) => s.action === "service:web:1" && s.op === "container.create")?.undo).toMatchObject({
      op: "container.remove",
      leaveNetworks: ["rc_default"],
    });
    expect(p.warnings).toEqual([]);
  });

  test('failureAction "continue" is Swarm\'s: on one engine the plan warns at the service\'s line that the rollout stops as with "pause"', () => {
    const cont = (env: string) =>
      desiredOf({
        healthcheck: health,
        environment: { LEVEL: env },
        deploy: { replicas: 2, updateConfig: { order: "start-first", failureAction: "continue" } },
      });
    const p = planCompose(cont("debug"), observed([container(cont("info"), 1), container(cont("info"), 2)]));
    expect(p.warnings).toEqual([
      'stack.ts:7:1: service "web": deploy.updateConfig.failureAction "continue" is honoured by Swarm only: on one engine a rollout stops at the first new container that does not get ready, as with "pause"',
    ]);
  });

  test("start-first is refused at the service's line with a fixed host port or a containerName", () => {
    const ported = rolling({ ports: [{ target: 80, published: 8080, protocol: "tcp" }], environment: { LEVEL: "debug" } });
    const was = rolling({ ports: [{ target: 80, published: 8080, protocol: "tcp" }] });
    expect(planCompose(ported, observed([container(was, 1), container(was, 2)])).blockers.map((b) => b.message)).toEqual([
      'stack.ts:7:1: service "web": deploy.updateConfig.order "start-first" cannot work with the fixed host port 8080: two containers cannot publish it at once; publish an ephemeral port (a proxy in front), or use "stop-first"',
    ]);
    const named = desiredOf({ containerName: "web", healthcheck: health, deploy: { updateConfig: { order: "start-first" } }, environment: { LEVEL: "debug" } });
    const wasNamed = desiredOf({ containerName: "web", healthcheck: health, deploy: { updateConfig: { order: "start-first" } } });
    expect(planCompose(named, observed([container(wasNamed, 1, { name: "web" })])).blockers.map((b) => b.message)).toEqual([
      expect.stringContaining('start-first" cannot work with containerName "web"'),
    ]);
  });
});
