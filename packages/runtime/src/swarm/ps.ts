/** `dsl ps --target swarm`: stack → service → tasks, with node, desired and current state. */
import type { Engine } from "../engine/types";
import { unscopedName } from "../internal/names";
import { compareStrings } from "../internal/sort";
import { StackLabels } from "../labels";

export interface SwarmTaskRow {
  /** `<stack>_<service>.<slot>` (global services: `.<node id>`). */
  readonly name: string;
  readonly id: string;
  readonly node: string;
  readonly desiredState: string;
  readonly currentState: string;
  /** When the task reached its current state (RFC 3339). */
  readonly since: string;
  readonly image: string;
  readonly error?: string;
}

export interface SwarmServiceRow {
  readonly service: string;
  readonly engineName: string;
  readonly mode: "replicated" | "global";
  /** Replicas wanted (replicated services). */
  readonly replicas?: number;
  readonly running: number;
  readonly image: string;
  readonly updateState?: string;
  readonly tasks: readonly SwarmTaskRow[];
}

export interface SwarmStackStatus {
  readonly stack: string;
  readonly endpoint: string;
  readonly services: readonly SwarmServiceRow[];
}

export async function swarmPs(engine: Engine, stack: string): Promise<SwarmStackStatus> {
  const services = await engine.listServices({ labels: { [StackLabels.namespace]: stack } });
  const [tasks, nodes] = await Promise.all([
    engine.listTasks({ services: services.map((s) => s.id) }),
    services.length ? engine.listNodes() : Promise.resolve([]),
  ]);
  const hostname = (id: string) => nodes.find((n) => n.id === id)?.hostname ?? (id ? id.slice(0, 12) : "");
  return {
    stack,
    endpoint: engine.endpoint,
    services: services.map((s) => {
      const spec = s.spec as { Mode?: { Global?: object; Replicated?: { Replicas?: number } }; TaskTemplate?: { ContainerSpec?: { Image?: string } } };
      // Per slot: the task that should run first, then its history, newest first (as docker stack ps).
      const mine = tasks
        .filter((t) => t.serviceId === s.id)
        .sort(
          (a, b) =>
            a.slot - b.slot ||
            compareStrings(a.nodeId, b.nodeId) ||
            Number(b.desiredState === "running") - Number(a.desiredState === "running") ||
            compareStrings(b.timestamp, a.timestamp),
        );
      const global = spec.Mode?.Global !== undefined;
      return {
        service: unscopedName(stack, s.name),
        engineName: s.name,
        mode: global ? "global" : "replicated",
        ...(global ? {} : { replicas: spec.Mode?.Replicated?.Replicas ?? 1 }),
        running: mine.filter((t) => t.desiredState === "running" && t.state === "running").length,
        image: spec.TaskTemplate?.ContainerSpec?.Image ?? "",
        ...(s.updateStatus?.state ? { updateState: s.updateStatus.state } : {}),
        tasks: mine.map((t) => ({
          name: `${s.name}.${t.slot || t.nodeId}`,
          id: t.id,
          node: hostname(t.nodeId),
          desiredState: t.desiredState,
          currentState: t.state,
          since: t.timestamp,
          image: t.image,
          ...(t.error ? { error: t.error } : {}),
        })),
      };
    }),
  };
}
