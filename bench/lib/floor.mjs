#!/usr/bin/env node
/**
 * The engine's own floor: what the engine calls alone cost, with no planning, no output and no
 * ordering logic, at the same concurrency as `dsl apply --parallel 8`.
 *
 *   node floor.mjs create <spec.json>   network + create & start every container (dockerode, 8 at once)
 *   node floor.mjs list <project>       node start-up + one label-filtered container list (raw HTTP)
 *   node floor.mjs recreate <spec.json> <service>
 *                                       node start-up + what replacing one container takes, in the
 *                                       order that keeps the old one until the new one is made:
 *                                       rename old, create new, stop old, start new, remove old
 *                                       (raw HTTP, no dockerode, as `dsl apply` does it)
 *   node floor.mjs remove <project>     one list, then stop (10 s timeout, as compose) & remove each
 *                                       container (8 at once), then the project's networks (retrying
 *                                       the engine's "has active endpoints" race, see cleanup.mjs)
 *
 * The containers are the bench stack's: same image, command, init, environment, port and network
 * alias, with compose's identity labels (so the list filter and the clean-up find them).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { PROJECT_LABEL, request } from "./docker-api.mjs";
import { pool, retryActiveEndpoints } from "./cleanup.mjs";

const CONCURRENCY = 8;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function dockerode() {
  // dockerode is a dependency of the runtime package, not of the workspace root.
  const Docker = createRequire(path.join(root, "packages/runtime/package.json"))("dockerode");
  return new Docker();
}

/** The create body of one bench service, as `dsl apply` and docker-compose make it (the parts that matter). */
function containerBody(project, s) {
  const net = `${project}_default`;
  const port = s.port ? `${s.port.target}/tcp` : undefined;
  return {
    Image: s.image,
    Cmd: s.command,
    Env: Object.entries(s.environment).map(([k, v]) => `${k}=${v}`),
    Labels: {
      [PROJECT_LABEL]: project,
      "com.docker.compose.service": s.name,
      "com.docker.compose.container-number": "1",
      "com.docker.compose.oneoff": "False",
    },
    ExposedPorts: port ? { [port]: {} } : undefined,
    HostConfig: {
      Init: true,
      NetworkMode: net,
      PortBindings: port ? { [port]: [{ HostIp: "127.0.0.1", HostPort: String(s.port.host) }] } : undefined,
    },
    NetworkingConfig: { EndpointsConfig: { [net]: { Aliases: [s.name] } } },
  };
}

async function create(specFile) {
  const { project, services } = JSON.parse(readFileSync(specFile, "utf8"));
  const docker = dockerode();
  const net = `${project}_default`;
  // An earlier run's network that the engine would not remove (see removalSample in run.mjs) is reused, as compose and Berth reuse theirs.
  await docker
    .createNetwork({ Name: net, CheckDuplicate: true, Labels: { [PROJECT_LABEL]: project, "com.docker.compose.network": "default" } })
    .catch((err) => {
      if (err.statusCode !== 409) throw err;
    });
  await pool(services, CONCURRENCY, async (s) => {
    const container = await docker.createContainer({ name: `${project}-${s.name}-1`, ...containerBody(project, s) });
    await container.start();
  });
}

async function recreate(specFile, service) {
  const { project, services } = JSON.parse(readFileSync(specFile, "utf8"));
  const s = services.find((x) => x.name === service);
  if (!s) throw new Error(`no service ${service} in ${specFile}`);
  const name = `${project}-${s.name}-1`;
  const old = (await request("GET", `/containers/${name}/json`)).Id;
  await request("POST", `/containers/${old}/rename`, { name: `${name}_old` });
  const { Id } = await request("POST", "/containers/create", { name }, containerBody(project, s));
  await request("POST", `/containers/${old}/stop`, { t: "10" });
  await request("POST", `/containers/${Id}/start`);
  await request("DELETE", `/containers/${old}`, { force: "1" });
}

async function list(project) {
  const rows = await request("GET", "/containers/json", { all: "1", filters: { label: [`${PROJECT_LABEL}=${project}`] } });
  process.stdout.write(`${rows.length} containers\n`);
}

async function remove(project) {
  const docker = dockerode();
  const filters = { label: [`${PROJECT_LABEL}=${project}`] };
  const containers = await docker.listContainers({ all: true, filters });
  await pool(containers, CONCURRENCY, async (c) => {
    const container = docker.getContainer(c.Id);
    if (c.State === "running") await container.stop({ t: 10 });
    await container.remove({ force: true });
  });
  for (const n of await docker.listNetworks({ filters })) await retryActiveEndpoints(() => docker.getNetwork(n.Id).remove(), { networkId: n.Id });
}

const [mode, arg, arg2] = process.argv.slice(2);
const modes = { create, list, recreate, remove };
if (!modes[mode] || !arg || (mode === "recreate" && !arg2)) {
  process.stderr.write("usage: floor.mjs create <spec.json> | list <project> | recreate <spec.json> <service> | remove <project>\n");
  process.exit(2);
}
modes[mode](arg, arg2).catch((err) => {
  process.stderr.write(`floor ${mode}: ${err.stack ?? err}\n`);
  process.exit(1);
});
