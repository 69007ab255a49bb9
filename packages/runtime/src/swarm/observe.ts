/**
 * One snapshot of a Swarm stack: a handful of list calls, no per-object inspect. When the
 * engine is not a swarm manager, the snapshot says so and the plan is blocked.
 */
import type { Engine } from "../engine/types";
import { StackLabels } from "../labels";
import type { SwarmObserved } from "./types";

export async function observeSwarm(engine: Engine, stack: string): Promise<SwarmObserved> {
  const swarm = await engine.inspectSwarm();
  if (!swarm) return { stack, endpoint: engine.endpoint, services: [], foreignServices: [], networks: [], secrets: [], configs: [] };
  const [services, networks, secrets, configs] = await Promise.all([engine.listServices(), engine.listNetworks(), engine.listSecrets(), engine.listConfigs()]);
  const ours = services.filter((s) => s.labels[StackLabels.namespace] === stack);
  const foreign = services.filter((s) => s.labels[StackLabels.namespace] !== stack).map((s) => s.name);
  return { stack, endpoint: engine.endpoint, swarm, services: ours, foreignServices: foreign, networks, secrets, configs };
}

/**
 * What a Swarm plan depended on, one digest per object, for a saved plan to check before it
 * runs: the stack's services (id and version: an update names the version it read), networks,
 * secrets and configs, and anything else holding a name of the stack.
 */
export function swarmFingerprint(o: SwarmObserved): Record<string, string> {
  const out: Record<string, string> = { swarm: o.swarm ? o.swarm.id.slice(0, 12) : "not a swarm manager" };
  const prefix = `${o.stack}_`;
  const mine = (x: { name: string; labels: Readonly<Record<string, string>> }) => x.labels[StackLabels.namespace] === o.stack || x.name.startsWith(prefix);
  for (const s of o.services) out[`service ${s.name}`] = `id:${s.id.slice(0, 12)} version:${s.version}`;
  for (const name of o.foreignServices) if (name.startsWith(prefix)) out[`service ${name} (not the stack's)`] = "present";
  for (const n of o.networks) if (mine(n)) out[`network ${n.name}`] = `id:${n.id.slice(0, 12)}`;
  for (const x of o.secrets) if (mine(x)) out[`secret ${x.name}`] = `id:${x.id.slice(0, 12)}`;
  for (const x of o.configs) if (mine(x)) out[`config ${x.name}`] = `id:${x.id.slice(0, 12)}`;
  return out;
}
