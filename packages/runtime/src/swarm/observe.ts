/**
 * One snapshot of a Swarm stack: a handful of list calls, no per-object inspect. When the
 * engine is not a swarm manager, the snapshot says so and the plan is blocked.
 */
import type { Engine } from "../engine/types";
import { StackLabels } from "./names";
import type { SwarmObserved } from "./types";

export async function observeSwarm(engine: Engine, stack: string): Promise<SwarmObserved> {
  const swarm = await engine.inspectSwarm();
  if (!swarm) return { stack, endpoint: engine.endpoint, services: [], foreignServices: [], networks: [], secrets: [], configs: [] };
  const [services, networks, secrets, configs] = await Promise.all([engine.listServices(), engine.listNetworks(), engine.listSecrets(), engine.listConfigs()]);
  const ours = services.filter((s) => s.labels[StackLabels.namespace] === stack);
  const foreign = services.filter((s) => s.labels[StackLabels.namespace] !== stack).map((s) => s.name);
  return { stack, endpoint: engine.endpoint, swarm, services: ours, foreignServices: foreign, networks, secrets, configs };
}
