/**
 * One compose service → the props of `new Service(name, props)`. Each key the DSL models
 * becomes its typed prop (in the order the file wrote them); a key, or a form of a key, the
 * DSL cannot say goes to `extra` verbatim, so nothing is dropped and synth writes it back.
 */
import type { MapContext } from "./context";
import { listOrDict } from "./extends";
import { HOST_MAPPERS } from "./host";
import { isObj } from "./keys";
import type { Expr } from "./model";
import { dependsOn, environment, expose, grants, mounts, networkMode, networks, ports, volumesFrom } from "./service-parts";
import type { Path } from "./source";
import { bool, duration, escapedJson, int, type Mapped, object, onlyKeys, opt, str, stringList, stringRecord, UNMODELED } from "./values";

type Mapper = (value: unknown, ctx: MapContext, path: Path) => Mapped;

function build(v: unknown): Mapped {
  if (typeof v === "string") return { context: v };
  if (!onlyKeys(v, ["context", "dockerfile", "args", "target"])) return UNMODELED;
  const args = v.args === undefined ? undefined : listOrDict(v.args);
  if (args && Object.values(args).some((a) => a === null || typeof a === "object")) return UNMODELED;
  return object([
    ["context", typeof v.context === "string" ? v.context : "."],
    ["dockerfile", opt(v.dockerfile, str)],
    ["args", args as Record<string, string | number | boolean> | undefined],
    ["target", opt(v.target, str)],
  ]);
}

const WATCH_ACTIONS = ["sync", "rebuild", "restart", "sync+restart", "sync+exec"];

/** `develop.watch` rules; `exec` as compose's service hook (command, user, working_dir, environment, privileged). */
function develop(v: unknown): Mapped {
  if (!onlyKeys(v, ["watch"]) || !Array.isArray(v.watch)) return UNMODELED;
  const rules = v.watch.map((r: unknown) => {
    if (!onlyKeys(r, ["path", "action", "target", "ignore", "include", "exec", "initial_sync"])) return UNMODELED;
    if (typeof r.path !== "string" || !WATCH_ACTIONS.includes(String(r.action))) return UNMODELED;
    const e = r.exec;
    const exec =
      e === undefined
        ? undefined
        : onlyKeys(e, ["command", "user", "working_dir", "environment", "privileged"])
          ? object([
              ["command", command(e.command)],
              ["user", opt(e.user, str)],
              ["workingDir", opt(e.working_dir, str)],
              ["environment", opt(e.environment, stringRecord)],
              ["privileged", opt(e.privileged, bool)],
            ])
          : UNMODELED;
    return object([
      ["path", r.path],
      ["action", String(r.action)],
      ["target", opt(r.target, str)],
      ["ignore", opt(r.ignore, stringList)],
      ["include", opt(r.include, stringList)],
      ["exec", exec],
      ["initialSync", opt(r.initial_sync, bool)],
    ]);
  });
  return rules.includes(UNMODELED) ? UNMODELED : { watch: rules as Expr[] };
}

function command(v: unknown): Mapped {
  if (typeof v === "string") return v;
  return Array.isArray(v) && v.every((x) => ["string", "number"].includes(typeof x)) ? v.map(String) : UNMODELED;
}

function healthcheck(v: unknown): Mapped {
  if (!onlyKeys(v, ["test", "interval", "timeout", "retries", "start_period", "start_interval", "disable"])) return UNMODELED;
  const test = v.test;
  let t: Mapped | undefined;
  if (test === undefined) t = v.disable === true ? undefined : UNMODELED;
  else if (typeof test === "string") t = test;
  else if (Array.isArray(test) && test.length === 2 && test[0] === "CMD-SHELL") t = String(test[1]);
  else if (Array.isArray(test) && ["CMD", "CMD-SHELL", "NONE"].includes(String(test[0]))) t = test.map(String);
  else t = UNMODELED;
  if (t === undefined) return UNMODELED; // `disable: true` without a test: the DSL needs one
  return object([
    ["test", t],
    ["interval", opt(v.interval, duration)],
    ["timeout", opt(v.timeout, duration)],
    ["retries", opt(v.retries, int)],
    ["startPeriod", opt(v.start_period, duration)],
    ["startInterval", opt(v.start_interval, duration)],
    ["disable", opt(v.disable, bool)],
  ]);
}

function limits(v: unknown): Mapped {
  if (!onlyKeys(v, ["cpus", "memory", "pids"])) return UNMODELED;
  const scalar = (x: unknown): Mapped => (typeof x === "string" || typeof x === "number" ? x : UNMODELED);
  return object([
    ["cpus", opt(v.cpus, scalar)],
    ["memory", opt(v.memory, scalar)],
    ["pids", opt(v.pids, int)],
  ]);
}

function updateConfig(v: unknown): Mapped {
  if (!onlyKeys(v, ["parallelism", "delay", "failure_action", "monitor", "max_failure_ratio", "order"])) return UNMODELED;
  const oneOf =
    (...allowed: string[]) =>
    (x: unknown): Mapped =>
      allowed.includes(String(x)) ? String(x) : UNMODELED;
  return object([
    ["parallelism", opt(v.parallelism, int)],
    ["delay", opt(v.delay, duration)],
    ["failureAction", opt(v.failure_action, oneOf("continue", "rollback", "pause"))],
    ["monitor", opt(v.monitor, duration)],
    ["maxFailureRatio", opt(v.max_failure_ratio, (x) => (typeof x === "number" ? x : UNMODELED))],
    ["order", opt(v.order, oneOf("stop-first", "start-first"))],
  ]);
}

function deploy(v: unknown): Mapped {
  if (!onlyKeys(v, ["mode", "replicas", "resources", "labels", "restart_policy", "update_config", "rollback_config", "placement"])) return UNMODELED;
  const r = v.restart_policy;
  const p = v.placement;
  if (r !== undefined && !onlyKeys(r, ["condition", "delay", "max_attempts", "window"])) return UNMODELED;
  if (p !== undefined && !onlyKeys(p, ["constraints", "preferences", "max_replicas_per_node"])) return UNMODELED;
  if (v.resources !== undefined && !onlyKeys(v.resources, ["limits", "reservations"])) return UNMODELED;
  const res = isObj(v.resources) ? v.resources : undefined;
  return object([
    ["mode", opt(v.mode, (x) => (x === "replicated" || x === "global" ? x : UNMODELED))],
    ["replicas", opt(v.replicas, int)],
    [
      "resources",
      res &&
        object([
          ["limits", opt(res.limits, limits)],
          ["reservations", opt(res.reservations, limits)],
        ]),
    ],
    ["labels", opt(v.labels, stringRecord)],
    [
      "restartPolicy",
      isObj(r)
        ? object([
            ["condition", opt(r.condition, (x) => (["none", "on-failure", "any"].includes(String(x)) ? String(x) : UNMODELED))],
            ["delay", opt(r.delay, duration)],
            ["maxAttempts", opt(r.max_attempts, int)],
            ["window", opt(r.window, duration)],
          ])
        : undefined,
    ],
    ["updateConfig", opt(v.update_config, updateConfig)],
    ["rollbackConfig", opt(v.rollback_config, updateConfig)],
    [
      "placement",
      isObj(p)
        ? object([
            ["constraints", opt(p.constraints, stringList)],
            [
              "preferences",
              opt(p.preferences, (x) =>
                Array.isArray(x) && x.every((e) => onlyKeys(e, ["spread"]) && typeof e.spread === "string")
                  ? x.map((e) => ({ spread: String((e as { spread: string }).spread) }))
                  : UNMODELED,
              ),
            ],
            ["maxReplicasPerNode", opt(p.max_replicas_per_node, int)],
          ])
        : undefined,
    ],
  ]);
}

const RESTART = /^(?:no|always|unless-stopped|on-failure(?::\d+)?)$/;

/** Compose key → [DSL prop, mapper]. Keys not listed go to `extra`. */
const MAPPERS: Readonly<Record<string, readonly [string, Mapper]>> = {
  image: ["image", str],
  build: ["build", build],
  pull_policy: ["pullPolicy", (v) => (["always", "never", "missing", "build"].includes(String(v)) ? String(v) : UNMODELED)],
  command: ["command", command],
  entrypoint: ["entrypoint", command],
  environment: ["environment", environment],
  env_file: ["envFiles", stringList],
  ports: ["ports", ports],
  expose: ["expose", expose],
  volumes: ["volumes", mounts],
  networks: ["networks", networks],
  network_mode: ["networkMode", networkMode],
  volumes_from: ["volumesFrom", volumesFrom],
  depends_on: ["dependsOn", dependsOn],
  healthcheck: ["healthcheck", healthcheck],
  restart: ["restart", (v) => (typeof v === "string" && RESTART.test(v) ? v : UNMODELED)],
  labels: ["labels", stringRecord],
  user: ["user", (v) => (typeof v === "string" || typeof v === "number" ? String(v) : UNMODELED)],
  working_dir: ["workingDir", str],
  hostname: ["hostname", str],
  container_name: ["containerName", str],
  init: ["init", bool],
  tty: ["tty", bool],
  stdin_open: ["stdinOpen", bool],
  privileged: ["privileged", bool],
  read_only: ["readOnly", bool],
  stop_signal: ["stopSignal", str],
  stop_grace_period: ["stopGracePeriod", duration],
  extra_hosts: ["extraHosts", (v) => (Array.isArray(v) ? stringList(v) : UNMODELED)],
  dns: ["dns", stringList],
  cap_add: ["capAdd", stringList],
  cap_drop: ["capDrop", stringList],
  secrets: ["secrets", (v, ctx, path) => grants(v, "secret", ctx, path)],
  configs: ["configs", (v, ctx, path) => grants(v, "config", ctx, path)],
  profiles: ["profiles", stringList],
  deploy: ["deploy", deploy],
  develop: ["develop", develop],
  scale: ["scale", int],
  ...HOST_MAPPERS,
};

export interface MappedService {
  readonly props: Record<string, Expr>;
  /** The comment above the service when keys went to `extra`: which, and why. */
  readonly comment?: string;
}

function extraComment(extra: readonly string[]): string | undefined {
  if (extra.length === 0) return undefined;
  const unmodeled = extra.filter((k) => !MAPPERS[k]);
  const forms = extra.filter((k) => MAPPERS[k]);
  return [
    unmodeled.length > 0 ? `compose keys the DSL does not model (yet), carried verbatim in extra: ${unmodeled.join(", ")}` : "",
    forms.length > 0 ? `written in a form the DSL cannot say (yet), carried verbatim in extra: ${forms.join(", ")}` : "",
  ]
    .filter(Boolean)
    .join("; ");
}

export function serviceProps(name: string, svc: Record<string, unknown>, ctx: MapContext): MappedService {
  const props: Record<string, Expr> = {};
  const extra: Record<string, Expr> = {};
  for (const [key, value] of Object.entries(svc)) {
    if (value === undefined) continue;
    const mapper = MAPPERS[key];
    const mapped = mapper ? mapper[1](value, ctx, ["services", name, key]) : UNMODELED;
    if (mapped === UNMODELED) extra[key] = escapedJson(value);
    else props[mapper[0]] = mapped;
  }
  const extraKeys = Object.keys(extra);
  if (extraKeys.length > 0) props.extra = extra;
  return { props, comment: extraComment(extraKeys) };
}
