/** The Swarm target: a stack of services (replicas, rolling updates) on a Docker Swarm, as `docker stack deploy` runs it. */
import type { Target } from "../target/contract";
import { Hidden } from "../target/hidden";
import { resolveSwarm, type SwarmDesired } from "./desired";
import { swarmContentRef, swarmEnvRef } from "./expand";
import { swarmImages } from "./images";
import { observeSwarm, swarmFingerprint } from "./observe";
import { swarmOps } from "./ops";
import { planSwarm, planSwarmDestroy } from "./plan";
import type { SwarmObserved } from "./types";

/** Every sensitive value a Swarm plan of `d` may carry, by its reference. */
function hiddenOf(d: SwarmDesired): Map<string, Hidden> {
  const out = new Map<string, Hidden>();
  const put = (ref: string, value: string) => out.set(ref, new Hidden(ref, value));
  for (const svc of Object.values(d.services)) {
    for (const p of svc.sensitive) {
      const key = p.startsWith("environment.") ? p.slice("environment.".length) : undefined;
      const value = key !== undefined ? svc.spec.environment?.[key] : undefined;
      if (key !== undefined && typeof value === "string") put(swarmEnvRef(svc.name, key), value);
    }
  }
  for (const f of [...Object.values(d.secrets), ...Object.values(d.configs)]) if (f.data) put(swarmContentRef(f.kind, f.name), f.data.toString("base64"));
  return out;
}

export const swarmTarget: Target<SwarmDesired, SwarmObserved> = {
  name: "swarm",
  async resolve(stack, ctx) {
    // Built services run under a content tag: made when applying, looked up (an existing local image) when previewing.
    const images = await swarmImages(ctx.engine, stack.desired, { build: ctx.fetchImages, onProgress: ctx.onImage });
    return resolveSwarm(stack.graph, stack.desired, { images });
  },
  query: () => ({}),
  observe: (engine, project) => observeSwarm(engine, project),
  plan: (desired, observed) => planSwarm(desired, observed),
  planDestroy: (observed) => planSwarmDestroy(observed),
  fingerprintOf: swarmFingerprint,
  hidden: hiddenOf,
  ops: swarmOps,
};
