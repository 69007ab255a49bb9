/**
 * The Swarm target without Docker: the stack file, the diagnostics, and the pure plan against
 * engine states written out by hand (the service spec below is what `docker stack deploy -c`
 * made from our own stack file on Docker 20.10, read back with `docker service inspect`).
 */
import type { Graph, ServiceSpec } from "@berth/dsl";
import { parse } from "yaml";
import { hostKeys } from "../src/compose/extra-keys";
import { resolveDesired } from "../src/desired/resolve";
import type { SwarmService, SwarmServiceSpec } from "../src/engine/types";
import { resolveSwarm, synthSwarm, type SwarmObserved } from "../src/swarm";
import { planSwarm, planSwarmDestroy } from "../src/swarm/plan";
import { formatPlan as formatSwarmPlan } from "../src/target/format";

const here = { file: "stack.ts", line: 3, column: 1 };
const BUSYBOX = "berth-test/busybox:1";

function graph(services: Record<string, Partial<ServiceSpec>>, extra: Partial<Graph> = {}): Graph {
  const svcs: Record<string, ServiceSpec> = {};
  for (const [name, s] of Object.entries(services)) svcs[name] = { name, location: here, ...s };
  return { version: 1, project: "sw", location: here, services: svcs, networks: {}, volumes: {}, secrets: {}, configs: {}, ...extra };
}

const files: Record<string, string> = { "/stack/pw.txt": "s3cret", "/stack/app.conf": "a=1\n" };
const readFile = (f: string) => {
  if (!(f in files)) throw new Error(`ENOENT: ${f}`);
  return Buffer.from(files[f]);
};

function desiredOf(g: Graph) {
  return resolveSwarm(g, resolveDesired(g, { dir: "/stack", env: {} }), { readFile });
}

/** Exactly what `docker stack deploy` wrote for service web of the stack below (ids shortened). */
function deployedByDockerStack(): SwarmServiceSpec {
  return {
    Name: "sw_web",
    Labels: { "com.docker.stack.image": BUSYBOX, "com.docker.stack.namespace": "sw" },
    TaskTemplate: {
      ContainerSpec: {
        Image: BUSYBOX,
        Labels: { "com.docker.stack.namespace": "sw" },
        Args: ["sh", "-c", "sleep 100000"],
        Env: ["DB_PASSWORD=x", "GREETING=hello"],
        Privileges: { CredentialSpec: undefined, SELinuxContext: undefined, NoNewPrivileges: false } as never,
        StopGracePeriod: 10000000000,
        DNSConfig: {},
        Secrets: [{ File: { Name: "db_password", UID: "0", GID: "0", Mode: 292 }, SecretID: "182xyrlwn6qy", SecretName: "sw_db_password_1ec1c26b" }],
        Isolation: "default",
      },
      Resources: {},
      RestartPolicy: { Condition: "any", Delay: 5000000000, MaxAttempts: 0 },
      Placement: {},
      Networks: [{ Target: "1mvw1su10fks", Aliases: ["web"] }],
      ForceUpdate: 0,
      Runtime: "container",
    },
    Mode: { Replicated: { Replicas: 3 } },
    UpdateConfig: { Parallelism: 1, FailureAction: "rollback", Monitor: 5000000000, MaxFailureRatio: 0, Order: "start-first" },
    RollbackConfig: { Parallelism: 1, FailureAction: "pause", Monitor: 5000000000, MaxFailureRatio: 0, Order: "stop-first" },
    EndpointSpec: { Mode: "vip" },
  } as SwarmServiceSpec;
}

function web(patch: Partial<ServiceSpec> = {}): Partial<ServiceSpec> {
  return {
    image: BUSYBOX,
    command: ["sh", "-c", "sleep 100000"],
    environment: { GREETING: "hello", DB_PASSWORD: "x" },
    sensitive: ["environment.DB_PASSWORD"],
    secrets: [{ source: "db_password" }],
    deploy: { replicas: 3, updateConfig: { parallelism: 1, order: "start-first", failureAction: "rollback" } },
    ...patch,
  };
}

const secrets = { db_password: { name: "db_password", location: here, file: "./pw.txt" } };

function observed(spec: SwarmServiceSpec = deployedByDockerStack(), labels: Record<string, string> = {}): SwarmObserved {
  const svc: SwarmService = { id: "svc1", name: "sw_web", version: 42, labels: { ...(spec.Labels ?? {}), ...labels }, spec, createdAt: "", updatedAt: "" };
  return {
    stack: "sw",
    endpoint: "unix:///test.sock",
    swarm: { id: "swarm1", defaultAddrPool: [] },
    services: [svc],
    foreignServices: [],
    networks: [
      {
        id: "1mvw1su10fks",
        name: "sw_default",
        driver: "overlay",
        scope: "swarm",
        internal: false,
        attachable: false,
        labels: { "com.docker.stack.namespace": "sw" },
        subnets: [],
      },
    ],
    secrets: [{ id: "182xyrlwn6qy", name: "sw_db_password_1ec1c26b", labels: { "com.docker.stack.namespace": "sw" }, createdAt: "" }],
    configs: [],
  };
}

describe("dsl synth --target swarm", () => {
  test("writes a stack file with deploy keys, overlay networks and versioned secrets, and leaves out what Swarm ignores, each with a warning at the user's line", () => {
    const g = graph(
      {
        web: web({ dependsOn: { db: { condition: "service_started" } }, containerName: "web1", restart: "always", networks: { back: {} } }),
        db: { image: BUSYBOX },
      },
      { secrets, networks: { back: { name: "back", location: { file: "stack.ts", line: 2, column: 14 } } } },
    );
    const { yaml, diagnostics } = synthSwarm(g, { contentHash: () => "1ec1c26b" });
    const file = parse(yaml);
    expect(file.version).toBe("3.8");
    expect(file.services.web.deploy).toEqual({ replicas: 3, update_config: { parallelism: 1, failure_action: "rollback", order: "start-first" } });
    expect(file.services.web).not.toHaveProperty("depends_on");
    expect(file.services.web).not.toHaveProperty("container_name");
    expect(file.services.web).not.toHaveProperty("restart");
    expect(file.networks.back).toEqual({ driver: "overlay" });
    expect(file.secrets.db_password).toEqual({ name: "sw_db_password_1ec1c26b", file: "./pw.txt" });
    expect(diagnostics.map((d) => `${d.level} ${d.message}`)).toEqual([
      'warning stack.ts:3:1: service "web": depends_on is ignored by Swarm and left out: Swarm starts services in any order; make clients retry, or use healthchecks',
      'warning stack.ts:3:1: service "web": container_name is ignored by Swarm and left out: Swarm names tasks <stack>_<service>.<slot>.<task id>',
      'warning stack.ts:3:1: service "web": restart is ignored by Swarm and left out: use deploy.restartPolicy',
    ]);
  });

  test("a port bound to one host address is an error: Swarm would publish it on every interface", () => {
    const g = graph({ web: { image: BUSYBOX, ports: [{ target: 80, published: 8080, hostIp: "127.0.0.1", protocol: "tcp" }] } });
    const { diagnostics } = synthSwarm(g);
    expect(diagnostics).toEqual([
      expect.objectContaining({ level: "error", message: expect.stringMatching(/^stack\.ts:3:1: service "web": ports\[0\] binds 127\.0\.0\.1/) }),
    ]);
  });

  test("ports are written in the long form with their publish mode", () => {
    const g = graph({ web: { image: BUSYBOX, ports: [{ target: 80, published: 8080, protocol: "tcp", mode: "host" }] } });
    expect(parse(synthSwarm(g).yaml).services.web.ports).toEqual([{ target: 80, published: 8080, protocol: "tcp", mode: "host" }]);
  });
});

test("an anonymous volume is a volume mount without a source, in the stack file and in the service spec, as docker stack deploy makes it", () => {
  const g = graph({
    web: {
      image: BUSYBOX,
      volumes: [
        { type: "anonymous", target: "/cache", short: true },
        { type: "anonymous", target: "/ro", readOnly: true, noCopy: true },
      ],
    },
  });
  const { yaml, diagnostics } = synthSwarm(g);
  expect(diagnostics).toEqual([]);
  expect(parse(yaml).services.web.volumes).toEqual(["/cache", { type: "volume", target: "/ro", read_only: true, volume: { nocopy: true } }]);
  const o = { ...observed(), services: [], networks: [], secrets: [] };
  const body = JSON.stringify(planSwarm(desiredOf(g), o).steps);
  expect(body).toContain(
    JSON.stringify([
      { Type: "volume", Target: "/cache" },
      { Type: "volume", Target: "/ro", ReadOnly: true, VolumeOptions: { NoCopy: true } },
    ]),
  );
});

describe("host settings on the Swarm target", () => {
  const host: Partial<ServiceSpec> = {
    sysctls: { "net.core.somaxconn": 1024 },
    ulimits: { nofile: { soft: 1024, hard: 2048 } },
    groupAdd: ["audio"],
    dnsSearch: "example.test",
    dnsOpt: ["ndots:2"],
    logging: { driver: "json-file", options: { "max-size": "1m" } },
  };

  /** What docker stack deploy writes for `host` into the spec deployedByDockerStack() read back. */
  function deployedWithHost(): SwarmServiceSpec {
    const spec = deployedByDockerStack();
    const t = spec.TaskTemplate as Record<string, Record<string, unknown>>;
    Object.assign(t.ContainerSpec, {
      Sysctls: { "net.core.somaxconn": "1024" },
      Ulimits: [{ Name: "nofile", Hard: 2048, Soft: 1024 }],
      Groups: ["audio"],
      DNSConfig: { Search: ["example.test"], Options: ["ndots:2"] },
    });
    t.LogDriver = { Name: "json-file", Options: { "max-size": "1m" } };
    return spec;
  }

  test("sysctls, ulimits, dnsSearch and logging reach the stack file; groupAdd and dnsOpt (not keys of its format) and what Swarm has no field for are left out with a warning at the user's line", () => {
    const g = graph({ web: web({ ...host, shmSize: "64m", pid: "host", memLimit: "256m" }) }, { secrets });
    const { yaml, diagnostics } = synthSwarm(g, { contentHash: () => "1ec1c26b" });
    const svc = parse(yaml).services.web;
    // Written as compose writes them (each key's spelling is the coverage test's business).
    const { group_add: _groupAdd, dns_opt: _dnsOpt, ...inFile } = hostKeys(host);
    expect(Object.keys(inFile).sort()).toEqual(["dns_search", "logging", "sysctls", "ulimits"]);
    for (const [key, value] of Object.entries(inFile)) expect({ key, value: svc[key] }).toEqual({ key, value });
    for (const key of ["group_add", "dns_opt", "shm_size", "pid", "mem_limit"]) expect(svc).not.toHaveProperty(key);
    expect(diagnostics.map((d) => `${d.level} ${d.message}`)).toEqual([
      'warning stack.ts:3:1: service "web": shm_size is ignored by Swarm and left out: mount a tmpfs at /dev/shm (volumes: { type: "tmpfs", target: "/dev/shm", size })',
      'warning stack.ts:3:1: service "web": pid is ignored by Swarm and left out: Swarm tasks have their own PID namespace',
      'warning stack.ts:3:1: service "web": mem_limit is ignored by Swarm and left out: use deploy.resources.limits.memory',
      `warning stack.ts:3:1: service "web": group_add is not a key of docker stack deploy's file format and is left out of the stack file (an apply to the swarm by Berth sets it)`,
      `warning stack.ts:3:1: service "web": dns_opt is not a key of docker stack deploy's file format and is left out of the stack file (an apply to the swarm by Berth sets it)`,
    ]);
    // Both are stack-file-only: an apply by Berth sets them, so its plan does not warn.
    expect(diagnostics.filter((d) => d.stackFileOnly).map((d) => d.message)).toEqual([
      expect.stringContaining("group_add is not a key"),
      expect.stringContaining("dns_opt is not a key"),
    ]);
  });

  test("a service deployed by docker stack deploy with them is adopted without changes; a changed ulimit is a rolling update naming it", () => {
    const same = planSwarm(desiredOf(graph({ web: web(host) }, { secrets })), observed(deployedWithHost()));
    expect(same.blockers).toEqual([]);
    expect(same.actions).toEqual([]);
    const changed = planSwarm(desiredOf(graph({ web: web({ ...host, ulimits: { nofile: 4096 } }) }, { secrets })), observed(deployedWithHost()));
    expect(changed.actions).toHaveLength(1);
    expect(formatSwarmPlan(changed)).toContain("ulimits[0].Hard 2048 → 4096");
  });
});

describe("planSwarm", () => {
  const g = graph({ web: web() }, { secrets });

  test("a stack deployed with docker stack deploy from our file is adopted without changes (engine defaults are not drift)", () => {
    const plan = planSwarm(desiredOf(g), observed());
    expect(plan.blockers).toEqual([]);
    expect(plan.actions).toEqual([]);
    expect(plan.steps).toEqual([]);
    expect(formatSwarmPlan(plan)).toContain("No changes.");
  });

  test("on an empty swarm it creates the network, the versioned secret, then the service", () => {
    const o = { ...observed(), services: [], networks: [], secrets: [] };
    const plan = planSwarm(desiredOf(g), o);
    expect(plan.actions.map((s) => `${s.verb} ${s.kind} ${s.engineName} after[${s.after.join(",")}]`)).toEqual([
      "create network sw_default after[]",
      "create secret sw_db_password_1ec1c26b after[]",
      "create service sw_web after[network:default,secret:db_password]",
    ]);
    expect(formatSwarmPlan(plan)).toContain("+ service  web      berth-test/busybox:1 (3 replicas)");
  });

  test("an env change is a rolling update that names the field, with parallelism and order, from the version read", () => {
    const plan = planSwarm(desiredOf(graph({ web: web({ environment: { GREETING: "hi", DB_PASSWORD: "x" } }) }, { secrets })), observed());
    expect(plan.actions).toHaveLength(1);
    expect(plan.actions[0]).toMatchObject({ verb: "update", rolling: { tasks: 3, parallelism: 1, order: "start-first", failureAction: "rollback" } });
    // Its steps: the update, naming the version it was planned from, then the wait until it converged.
    expect(plan.steps.map((s) => s.op)).toEqual(["service.update", "wait.converge"]);
    expect(plan.steps[0]).toMatchObject({ service: "svc1", version: 42, milestone: "updated" });
    expect(plan.steps[1]).toMatchObject({ service: "svc1", since: { output: plan.steps[0].id }, converge: { newTasks: true, replicas: 3 } });
    expect(formatSwarmPlan(plan)).toContain(
      '~ service  web      rolling update of 3 tasks (1 at a time, start-first, on failure rollback): environment.GREETING "hello" → "hi"',
    );
  });

  test("scaling 3 → 1 changes replicas only, in place", () => {
    const plan = planSwarm(
      desiredOf(
        graph({ web: web({ deploy: { replicas: 1, updateConfig: { parallelism: 1, order: "start-first", failureAction: "rollback" } } }) }, { secrets }),
      ),
      observed(),
    );
    expect(plan.actions[0].changes).toEqual([{ path: "replicas", before: 3, after: 1, sensitive: false }]);
    expect(plan.actions[0].rolling).toBeUndefined();
    expect(formatSwarmPlan(plan)).toContain("~ service  web      scale 3 → 1\n");
  });

  test("a new secret content rotates to a new versioned name, updates the service, and removes the old version last; no value is ever printed", () => {
    files["/stack/pw2.txt"] = "n3w-s3cret";
    const g2 = graph(
      { web: web({ environment: { GREETING: "hello", DB_PASSWORD: "p4ss" } }) },
      { secrets: { db_password: { ...secrets.db_password, file: "./pw2.txt" } } },
    );
    const plan = planSwarm(desiredOf(g2), observed());
    const text = formatSwarmPlan(plan);
    const json = JSON.stringify(plan);
    expect(plan.actions.map((s) => `${s.verb} ${s.kind}`)).toEqual(["create secret", "update service", "remove secret"]);
    expect(plan.actions[2]).toMatchObject({ engineName: "sw_db_password_1ec1c26b", after: ["service:web"] });
    // The update refers to the new version by the step that creates it: its id exists only then.
    const update = plan.steps.find((s) => s.op === "service.update") as { refs: Record<string, unknown> };
    expect(update.refs).toEqual({ [plan.actions[0].engineName]: { output: "secret:db_password/1" } });
    expect(text).toContain("environment.DB_PASSWORD (sensitive) changed");
    for (const out of [text, json]) {
      expect(out).not.toContain("p4ss");
      expect(out).not.toContain("n3w-s3cret");
      expect(out).not.toMatch(/"x"/);
    }
  });

  test("removing an option the last apply wrote is a change (the label remembers the fields written)", () => {
    const spec = deployedByDockerStack();
    const o = observed(spec, { "dev.berth.swarm.fields": "command,environment,image,labels,mode,networks,replicas,secrets,stopSignal" });
    (spec.TaskTemplate as { ContainerSpec: { StopSignal?: string } }).ContainerSpec.StopSignal = "SIGINT";
    const plan = planSwarm(desiredOf(g), o);
    expect(plan.actions[0].changes).toEqual([{ path: "stopSignal", before: "SIGINT", after: undefined, sensitive: false }]);
  });

  test("is blocked, with the reason, when the engine is not a swarm manager or a name belongs to someone else", () => {
    expect(planSwarm(desiredOf(g), { ...observed(), swarm: undefined }).blockers.map((b) => b.message)).toEqual([
      expect.stringContaining('is not a swarm manager: run "docker swarm init"'),
    ]);
    const clash = planSwarm(desiredOf(g), { ...observed(), services: [], foreignServices: ["sw_web"] });
    expect(clash.blockers.map((b) => b.message)).toEqual([expect.stringContaining('a service named "sw_web" exists outside stack "sw"')]);
  });

  test("reads an extra host setting as its typed prop; is blocked at the service's line by an extra key nobody maps or a value that cannot be applied; an x- extension key passes", () => {
    const viaExtra = graph({ web: web({ extra: { sysctls: { "net.core.somaxconn": 1024 }, dns_search: "example.test", "x-team": "a" } }) });
    const typed = graph({ web: web({ sysctls: { "net.core.somaxconn": 1024 }, dnsSearch: "example.test", extra: { "x-team": "a" } }) });
    const plan = planSwarm(desiredOf(viaExtra), observed());
    expect(plan.blockers).toEqual([]);
    expect(plan.steps).toEqual(planSwarm(desiredOf(typed), observed()).steps);
    expect(JSON.stringify(plan.steps)).toContain('"Sysctls":{"net.core.somaxconn":"1024"}');
    const bad = graph({ web: web({ extra: { sysctls: "nope", no_such_key: 1 } }) });
    expect(planSwarm(desiredOf(bad), observed()).blockers.map((b) => b.message)).toEqual([
      'stack.ts:3:1: service "web": extra.no_such_key: dsl apply --target swarm does not apply this compose key (synth writes it, docker stack deploy would honour what Swarm supports); remove it, or deploy the synthesized file with docker stack deploy',
      expect.stringMatching(/^stack\.ts:3:1: service "web": extra\.sysctls: .+/),
    ]);
  });

  test("an extra host setting Swarm has no field for gets the typed prop's warning at the user's line", () => {
    const { diagnostics } = synthSwarm(graph({ web: web({ extra: { shm_size: "64m" } }) }, { secrets }), { contentHash: () => "1ec1c26b" });
    expect(diagnostics.map((d) => `${d.level} ${d.message}`)).toEqual([
      'warning stack.ts:3:1: service "web": shm_size is ignored by Swarm and left out: mount a tmpfs at /dev/shm (volumes: { type: "tmpfs", target: "/dev/shm", size })',
    ]);
  });

  test("destroy removes the services, waits until their tasks are gone, then removes networks and secrets, with nothing of the stack needed", () => {
    const plan = planSwarmDestroy(observed());
    expect(plan.actions.map((a) => `${a.verb} ${a.id} after[${a.after.join(",")}]`)).toEqual([
      "remove service:web after[]",
      "wait wait:tasks-gone after[service:web]",
      "remove network:default after[service:web,wait:tasks-gone]",
      "remove secret:sw_db_password_1ec1c26b after[service:web,wait:tasks-gone]",
      "wait wait:networks-gone after[network:default]",
    ]);
    expect(plan.steps.map((s) => s.op)).toEqual(["service.remove", "wait.tasksGone", "network.remove", "secret.remove", "wait.networksGone"]);
    expect(formatSwarmPlan(plan, { title: "destroy plan" })).toContain("Plan: 0 to add, 0 to change, 3 to remove.");
  });
});
