/** Graph rules about one entry at a time: names, image or build, paths, values. */
import type { ConstructKind, Problem } from "../errors";
import type { Graph, JsonValue, ResourceBase, ServiceSpec } from "../graph";
import { HOST_PATH_EXPECTED, isHostPath } from "./mounts";
import { DURATION_EXPECTED, parseDuration } from "./units";

export type Section = "services" | "networks" | "volumes" | "secrets" | "configs";

export const KINDS: Readonly<Record<Section, ConstructKind>> = {
  services: "service",
  networks: "network",
  volumes: "volume",
  secrets: "secret",
  configs: "config",
};

export function problem(kind: ConstructKind, entry: ResourceBase, message: string, path?: string, value?: JsonValue): Problem {
  return { message, location: entry.location, construct: { kind, name: entry.name }, path, value };
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const PROJECT = /^[a-z0-9][a-z0-9_-]*$/;

export function checkNames(graph: Graph): Problem[] {
  const problems: Problem[] = [];
  if (!PROJECT.test(graph.project)) {
    problems.push({
      message: `invalid project name "${graph.project}": use lowercase letters, digits, "_" and "-", starting with a letter or digit`,
      location: graph.location,
      construct: { kind: "stack", name: graph.project },
    });
  }
  for (const section of Object.keys(KINDS) as Section[]) {
    for (const [name, entry] of Object.entries(graph[section])) {
      if (NAME.test(name)) continue;
      const message = `invalid ${KINDS[section]} name "${name}": use letters, digits, "_", "." and "-", starting with a letter or digit`;
      problems.push(problem(KINDS[section], entry, message));
    }
  }
  return problems;
}

function checkDurations(s: ServiceSpec, out: Problem[]): void {
  const durations: [string, string | undefined][] = [
    ["healthcheck.interval", s.healthcheck?.interval],
    ["healthcheck.timeout", s.healthcheck?.timeout],
    ["healthcheck.startPeriod", s.healthcheck?.startPeriod],
    ["healthcheck.startInterval", s.healthcheck?.startInterval],
    ["stopGracePeriod", s.stopGracePeriod],
    ["deploy.restartPolicy.delay", s.deploy?.restartPolicy?.delay],
    ["deploy.restartPolicy.window", s.deploy?.restartPolicy?.window],
    ["deploy.updateConfig.delay", s.deploy?.updateConfig?.delay],
    ["deploy.updateConfig.monitor", s.deploy?.updateConfig?.monitor],
    ["deploy.rollbackConfig.delay", s.deploy?.rollbackConfig?.delay],
    ["deploy.rollbackConfig.monitor", s.deploy?.rollbackConfig?.monitor],
  ];
  for (const [path, value] of durations) {
    if (value !== undefined && parseDuration(value) === undefined) out.push(problem("service", s, `expected ${DURATION_EXPECTED}`, path, value));
  }
}

function isCount(n: number | undefined): boolean {
  return n === undefined || (Number.isInteger(n) && n >= 0);
}

function checkDeploy(s: ServiceSpec, out: Problem[]): void {
  if (!isCount(s.scale)) out.push(problem("service", s, "scale must be a non-negative integer", "scale", s.scale));
  if (s.scale !== undefined && s.deploy?.replicas !== undefined && s.scale !== s.deploy.replicas)
    out.push(
      problem(
        "service",
        s,
        `scale ${s.scale} and deploy.replicas ${s.deploy.replicas} disagree (compose refuses distinct values): set one of them`,
        "scale",
        s.scale,
      ),
    );
  if (s.containerName !== undefined && s.scale !== undefined && s.scale > 1 && s.deploy?.replicas === undefined)
    out.push(
      problem("service", s, `containerName "${s.containerName}" allows one container, not ${s.scale}; drop containerName or set scale to 1`, "scale", s.scale),
    );
  const d = s.deploy;
  if (!d) return;
  if (!isCount(d.replicas)) out.push(problem("service", s, "replicas must be a non-negative integer", "deploy.replicas", d.replicas));
  // An engine name is unique: a fixed container name leaves room for one container only (compose refuses it too).
  if (s.containerName !== undefined && (d.replicas ?? 1) > 1) {
    out.push(
      problem(
        "service",
        s,
        `containerName "${s.containerName}" allows one container, not ${d.replicas}; drop containerName or set replicas to 1`,
        "deploy.replicas",
        d.replicas,
      ),
    );
  }
  for (const which of ["limits", "reservations"] as const) {
    const r = d.resources?.[which];
    const path = `deploy.resources.${which}`;
    if (r?.cpus !== undefined && !/^\d+(\.\d+)?$/.test(r.cpus))
      out.push(problem("service", s, `expected a non-negative number of CPUs like "0.5"`, `${path}.cpus`, r.cpus));
    if (!isCount(r?.memory)) out.push(problem("service", s, "expected a non-negative number of bytes", `${path}.memory`, r?.memory));
    if (!isCount(r?.pids)) out.push(problem("service", s, "expected a non-negative integer", `${path}.pids`, r?.pids));
  }
}

const ENUMS: readonly [string, (s: ServiceSpec) => string | undefined, RegExp, string][] = [
  ["restart", (s) => s.restart, /^(no|always|unless-stopped|on-failure(:\d+)?)$/, `"no", "always", "unless-stopped", "on-failure" or "on-failure:<n>"`],
  ["pullPolicy", (s) => s.pullPolicy, /^(always|never|missing|build)$/, `"always", "never", "missing" or "build"`],
  ["deploy.mode", (s) => s.deploy?.mode, /^(replicated|global)$/, `"replicated" or "global"`],
];

function checkEnums(s: ServiceSpec, out: Problem[]): void {
  for (const [path, get, pattern, expected] of ENUMS) {
    const value = get(s);
    if (value !== undefined && !pattern.test(value)) out.push(problem("service", s, `expected ${expected}`, path, value));
  }
}

function checkService(s: ServiceSpec, out: Problem[]): void {
  if (s.image === undefined && s.build === undefined) {
    out.push(problem("service", s, `has neither image nor build; set image (e.g. "nginx:1.27") or build ({ context: "./app" })`));
  }
  (s.volumes ?? []).forEach((m, i) => {
    if (m.type === "bind" && !isHostPath(m.source)) {
      out.push(
        problem(
          "service",
          s,
          `bind source is not a host path; expected ${HOST_PATH_EXPECTED} (for a named volume pass the Volume object)`,
          `volumes[${i}].source`,
          m.source,
        ),
      );
    }
  });
  (s.ports ?? []).forEach((p, i) => {
    for (const [what, n] of [
      ["container", p.target],
      ["host", p.published],
    ] as const) {
      if (n !== undefined && !(Number.isInteger(n) && n >= 0 && n <= 65535)) {
        out.push(problem("service", s, `${what} port ${n} is outside 0–65535`, `ports[${i}]`, n));
      }
    }
  });
  checkDurations(s, out);
  checkDeploy(s, out);
  checkEnums(s, out);
}

export function checkEntries(graph: Graph): Problem[] {
  const out: Problem[] = [];
  for (const s of Object.values(graph.services)) checkService(s, out);
  for (const section of ["secrets", "configs"] as const) {
    for (const entry of Object.values(graph[section])) {
      const sources = ["file", "environment", "content", "external"].filter((k) => (entry as unknown as Record<string, unknown>)[k] !== undefined);
      if (sources.length !== 1) {
        const expected = section === "secrets" ? "file, environment or external" : "file, environment, content or external";
        out.push(problem(KINDS[section], entry, `needs exactly one of ${expected}${sources.length ? ` (got ${sources.join(", ")})` : ""}`));
      }
    }
  }
  return out;
}
