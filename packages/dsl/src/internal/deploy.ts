/** `deploy` props → DeploySpec: durations, CPUs and memory normalized. */
import type { DeploySpec, ResourceLimitsSpec, UpdateConfigSpec } from "../graph";
import type { DeployProps, Duration, ResourceLimitsProps, UpdateConfigProps } from "../service-props";
import type { SynthContext } from "./member";
import { BYTES_EXPECTED, CPUS_EXPECTED, DURATION_EXPECTED, normalizeCpus, normalizeDuration, parseBytes } from "./units";

/** A duration in canonical form; a malformed one is reported at `path` and left out. */
export function duration(value: Duration | undefined, ctx: SynthContext, path: string): string | undefined {
  if (value === undefined) return undefined;
  const normalized = normalizeDuration(value);
  if (normalized === undefined) ctx.report(`expected ${DURATION_EXPECTED}`, path, value);
  return normalized;
}

function limits(props: ResourceLimitsProps | undefined, ctx: SynthContext, path: string): ResourceLimitsSpec | undefined {
  if (!props) return undefined;
  const cpus = props.cpus === undefined ? undefined : normalizeCpus(props.cpus);
  if (props.cpus !== undefined && cpus === undefined) ctx.report(`expected ${CPUS_EXPECTED}`, `${path}.cpus`, props.cpus);
  const memory = props.memory === undefined ? undefined : parseBytes(props.memory);
  if (props.memory !== undefined && memory === undefined) ctx.report(`expected ${BYTES_EXPECTED}`, `${path}.memory`, props.memory);
  return { cpus, memory, pids: props.pids };
}

function updateConfig(props: UpdateConfigProps | undefined, ctx: SynthContext, path: string): UpdateConfigSpec | undefined {
  if (!props) return undefined;
  return {
    parallelism: props.parallelism,
    delay: duration(props.delay, ctx, `${path}.delay`),
    failureAction: props.failureAction,
    monitor: duration(props.monitor, ctx, `${path}.monitor`),
    maxFailureRatio: props.maxFailureRatio,
    order: props.order,
  };
}

export function normalizeDeploy(props: DeployProps | undefined, ctx: SynthContext): DeploySpec | undefined {
  if (!props) return undefined;
  const r = props.restartPolicy;
  return {
    mode: props.mode,
    replicas: props.replicas,
    resources: props.resources && {
      limits: limits(props.resources.limits, ctx, "deploy.resources.limits"),
      reservations: limits(props.resources.reservations, ctx, "deploy.resources.reservations"),
    },
    labels: props.labels && { ...props.labels },
    restartPolicy: r && {
      condition: r.condition,
      delay: duration(r.delay, ctx, "deploy.restartPolicy.delay"),
      maxAttempts: r.maxAttempts,
      window: duration(r.window, ctx, "deploy.restartPolicy.window"),
    },
    updateConfig: updateConfig(props.updateConfig, ctx, "deploy.updateConfig"),
    rollbackConfig: updateConfig(props.rollbackConfig, ctx, "deploy.rollbackConfig"),
    placement: props.placement && {
      constraints: props.placement.constraints && [...props.placement.constraints],
      preferences: props.placement.preferences && props.placement.preferences.map((p) => ({ spread: p.spread })),
      maxReplicasPerNode: props.placement.maxReplicasPerNode,
    },
  };
}
