/** Graph → compose for `deploy`, `healthcheck` and `depends_on`: nested blocks with renamed keys. */
import type { DependsOnSpec, DeploySpec, HealthcheckSpec, ResourceLimitsSpec, UpdateConfigSpec } from "@berth/dsl";
import type { ComposeDependsOn, ComposeDeploy, ComposeHealthcheck, ComposeResources, ComposeUpdateConfig } from "./types";
import { compact, nonEmpty, sortedRecord } from "./util";

const BINARY_UNITS: readonly [string, number][] = [
  ["g", 1024 ** 3],
  ["m", 1024 ** 2],
  ["k", 1024],
];

/**
 * Bytes as compose reads them: the largest binary unit that divides exactly (`"512m"`), else
 * the plain number (`"1000"`), always a string because docker-compose 1.29's schema requires
 * one for `deploy.resources.*.memory` (the spec allows both). Units are the ones docker-py
 * (`b k m g`) and compose-go (`RAMInBytes`, binary) both read.
 */
export function memory(bytes: number): string {
  for (const [unit, size] of BINARY_UNITS) {
    if (bytes !== 0 && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

function resources(spec: ResourceLimitsSpec | undefined): ComposeResources | undefined {
  if (spec === undefined) return undefined;
  return compact({
    cpus: spec.cpus,
    memory: spec.memory === undefined ? undefined : memory(spec.memory),
    pids: spec.pids,
  });
}

function updateConfig(spec: UpdateConfigSpec | undefined): ComposeUpdateConfig | undefined {
  if (spec === undefined) return undefined;
  return compact({
    parallelism: spec.parallelism,
    delay: spec.delay,
    failure_action: spec.failureAction,
    monitor: spec.monitor,
    max_failure_ratio: spec.maxFailureRatio,
    order: spec.order,
  });
}

export function deploy(spec: DeploySpec): ComposeDeploy {
  const rp = spec.restartPolicy;
  const pl = spec.placement;
  return compact({
    mode: spec.mode,
    replicas: spec.replicas,
    resources: spec.resources ? compact({ limits: resources(spec.resources.limits), reservations: resources(spec.resources.reservations) }) : undefined,
    labels: sortedRecord(spec.labels),
    restart_policy: rp ? compact({ condition: rp.condition, delay: rp.delay, max_attempts: rp.maxAttempts, window: rp.window }) : undefined,
    update_config: updateConfig(spec.updateConfig),
    rollback_config: updateConfig(spec.rollbackConfig),
    placement: pl
      ? compact({
          constraints: pl.constraints,
          preferences: pl.preferences?.map((p) => ({ spread: p.spread })),
          max_replicas_per_node: pl.maxReplicasPerNode,
        })
      : undefined,
  });
}

export function healthcheck(spec: HealthcheckSpec): ComposeHealthcheck {
  return compact({
    test: [...spec.test],
    interval: spec.interval,
    timeout: spec.timeout,
    retries: spec.retries,
    start_period: spec.startPeriod,
    start_interval: spec.startInterval,
    disable: spec.disable,
  });
}

/** Always the long form, so the condition is explicit. */
export function dependsOn(specs: Readonly<Record<string, DependsOnSpec>> | undefined): Record<string, ComposeDependsOn> | undefined {
  return nonEmpty(sortedRecord(specs, (d) => compact({ condition: d.condition, restart: d.restart, required: d.required })));
}
