/**
 * Which compose service keys Berth honours, and where: the data behind the README's key-coverage
 * table (a test checks both against the official schema, so neither can drift). A key is typed
 * (a DSL prop, written by synth, applied by both targets unless Swarm ignores it), applied from
 * `extra` on the compose target (compose/extra-keys.ts), or refused by `dsl apply` at the
 * service's line. Synth writes every key either way: docker compose reads the file it makes.
 */
import type { ServiceSpec } from "@berth/dsl";
import { EXTRA_KEYS } from "./compose/extra-keys";
import { IGNORED_SERVICE_KEYS, REFUSED_SERVICE_KEYS } from "./swarm/diagnostics";

/** Compose key → the DSL prop that types it. */
export const TYPED_SERVICE_KEYS: Readonly<Record<string, keyof ServiceSpec>> = {
  build: "build",
  cap_add: "capAdd",
  cap_drop: "capDrop",
  command: "command",
  configs: "configs",
  container_name: "containerName",
  depends_on: "dependsOn",
  deploy: "deploy",
  develop: "develop",
  dns: "dns",
  entrypoint: "entrypoint",
  env_file: "envFiles",
  environment: "environment",
  expose: "expose",
  extra_hosts: "extraHosts",
  healthcheck: "healthcheck",
  hostname: "hostname",
  image: "image",
  init: "init",
  labels: "labels",
  network_mode: "networkMode",
  networks: "networks",
  ports: "ports",
  privileged: "privileged",
  profiles: "profiles",
  pull_policy: "pullPolicy",
  read_only: "readOnly",
  restart: "restart",
  scale: "scale",
  secrets: "secrets",
  stdin_open: "stdinOpen",
  stop_grace_period: "stopGracePeriod",
  stop_signal: "stopSignal",
  tty: "tty",
  user: "user",
  volumes: "volumes",
  volumes_from: "volumesFrom",
  working_dir: "workingDir",
  // The host settings (sysctls, shm_size, ulimits, …): one table for synth, apply and import.
  ...Object.fromEntries(Object.entries(EXTRA_KEYS).map(([key, { prop }]) => [key, prop])),
};

export interface KeyCoverage {
  readonly key: string;
  /** `image`, `extra`, or undefined when the key can only be refused. */
  readonly prop?: string;
  readonly compose: "applied" | "applied from extra" | "refused";
  readonly swarm: "applied" | "ignored, warned" | "refused";
}

/** One row per key of the schema's service definition, in its order (alphabetical). */
export function serviceKeyCoverage(schemaKeys: readonly string[]): KeyCoverage[] {
  const ignoredBySwarm = new Set(IGNORED_SERVICE_KEYS.map(([, compose]) => compose));
  return [...schemaKeys].sort().map((key): KeyCoverage => {
    const prop = TYPED_SERVICE_KEYS[key];
    const swarm = REFUSED_SERVICE_KEYS.some(([, compose]) => compose === key) ? "refused" : ignoredBySwarm.has(key) ? "ignored, warned" : "applied";
    if (prop) return { key, prop, compose: "applied", swarm };
    if (EXTRA_KEYS[key]) return { key, prop: "extra", compose: "applied from extra", swarm }; // Swarm reads it as the typed prop would be (swarm/host.ts)
    return { key, compose: "refused", swarm: "refused" };
  });
}

/** The README's table and its headline count. */
export function coverageMarkdown(rows: readonly KeyCoverage[]): string {
  const typed = rows.filter((r) => r.compose === "applied").length;
  const fromExtra = rows.filter((r) => r.compose === "applied from extra").length;
  const lines = [
    `Berth models ${typed} of ${rows.length} service keys as typed props` +
      (fromExtra ? ` and applies ${fromExtra} more from \`extra\` on the compose target` : "") +
      `; \`dsl apply\` refuses the other ${rows.length - typed - fromExtra} at the service's line (synth writes every key).`,
    "",
    "| compose key | DSL | `dsl apply` (compose) | `--target swarm` |",
    "| --- | --- | --- | --- |",
    ...rows.map((r) => `| \`${r.key}\` | ${r.prop ? `\`${r.prop}\`` : "—"} | ${r.compose} | ${r.swarm} |`),
  ];
  return `${lines.join("\n")}\n`;
}
