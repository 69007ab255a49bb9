/**
 * Graph → compose for one service. Keys are written in compose's documentation order
 * (what it runs, how it is configured, how it connects, lifecycle, then deploy), followed by
 * `extra` keys sorted by name. Maps (environment, labels, networks, depends_on) are sorted
 * by key; lists keep the graph's order, which is meaningful (command, ports, mounts).
 */
import type { BuildSpec, DevelopWatchSpec, ServiceSpec, VolumesFromSpec } from "@berth/dsl";
import { dependsOn, deploy, healthcheck } from "./deploy";
import { grant, mount, port, serviceNetwork } from "./service-parts";
import type { ComposeBuild, ComposeService, ComposeServiceKeys, ComposeWatchRule } from "./types";
import { hostKeys } from "../compose/extra-keys";
import { compact, escapeDollars, nonEmpty, sortedJson, sortedRecord, withExtra } from "./util";

function build(spec: BuildSpec): ComposeBuild {
  return compact({
    context: spec.context,
    dockerfile: spec.dockerfile,
    args: nonEmpty(sortedRecord(spec.args)),
    target: spec.target,
  });
}

function watchRule(r: DevelopWatchSpec): ComposeWatchRule {
  const e = r.exec;
  return compact({
    path: r.path,
    action: r.action,
    target: r.target,
    ignore: r.ignore && [...r.ignore],
    include: r.include && [...r.include],
    exec:
      e &&
      compact({
        command: typeof e.command === "string" ? e.command : [...e.command],
        user: e.user,
        working_dir: e.workingDir,
        environment: sortedRecord(e.environment),
        privileged: e.privileged,
      }),
    initial_sync: r.initialSync,
  });
}

/** `undefined` for an absent or empty list (an empty list says nothing a missing one does not). */
function list<T, R>(items: readonly T[] | undefined, map: (item: T) => R): R[] | undefined {
  return items === undefined || items.length === 0 ? undefined : items.map(map);
}

const same = <T>(x: T): T => x;

/** What runs: image, build, command. */
function runKeys(s: ServiceSpec): ComposeServiceKeys {
  return {
    image: s.image,
    build: s.build && build(s.build),
    pull_policy: s.pullPolicy,
    container_name: s.containerName,
    hostname: s.hostname,
    command: typeof s.command === "string" ? s.command : s.command && [...s.command],
    entrypoint: typeof s.entrypoint === "string" ? s.entrypoint : s.entrypoint && [...s.entrypoint],
    working_dir: s.workingDir,
    user: s.user,
    environment: nonEmpty(sortedRecord(s.environment)),
    env_file: list(s.envFiles, same),
  };
}

/** Compose's `volumes_from` entry: `db`, `db:ro`, `container:x`, `container:x:ro`. */
function volumeFrom(v: VolumesFromSpec): string {
  return `${"service" in v ? v.service : `container:${v.container}`}${v.readOnly ? ":ro" : ""}`;
}

/** How it connects and what it mounts. */
function wiringKeys(s: ServiceSpec): ComposeServiceKeys {
  return {
    ports: list(s.ports, port),
    expose: list(s.expose, same),
    volumes: list(s.volumes, mount),
    networks: nonEmpty(sortedRecord(s.networks, serviceNetwork)),
    network_mode: s.networkMode,
    volumes_from: list(s.volumesFrom, volumeFrom),
    depends_on: dependsOn(s.dependsOn),
    healthcheck: s.healthcheck && healthcheck(s.healthcheck),
    restart: s.restart,
    labels: nonEmpty(sortedRecord(s.labels)),
  };
}

/** Process flags, lifecycle, host and kernel settings (the host settings sorted by key), grants, deploy. */
function runtimeKeys(s: ServiceSpec): ComposeServiceKeys {
  return {
    init: s.init,
    tty: s.tty,
    stdin_open: s.stdinOpen,
    privileged: s.privileged,
    read_only: s.readOnly,
    stop_signal: s.stopSignal,
    stop_grace_period: s.stopGracePeriod,
    extra_hosts: list(s.extraHosts, same),
    dns: list(s.dns, same),
    cap_add: list(s.capAdd, same),
    cap_drop: list(s.capDrop, same),
    ...sortedRecord(hostKeys(s), sortedJson),
    secrets: list(s.secrets, grant),
    configs: list(s.configs, grant),
    profiles: list(s.profiles, same),
    deploy: s.deploy && nonEmpty(deploy(s.deploy)),
    develop: s.develop && { watch: s.develop.watch.map(watchRule) },
    scale: s.scale,
  };
}

/**
 * One compose service. `sensitive` is not written: compose needs the real values, and
 * marking them is the preview's business, not the file's.
 */
export function service(spec: ServiceSpec): ComposeService {
  const modeled = compact({ ...runKeys(spec), ...wiringKeys(spec), ...runtimeKeys(spec) });
  return withExtra(escapeDollars(modeled), spec.extra) as ComposeService;
}
