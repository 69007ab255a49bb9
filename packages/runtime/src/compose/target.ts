/** The compose target: a project of containers, networks and volumes on one Docker Engine, as docker compose runs it. */
import type { Target } from "../target/contract";
import { Hidden } from "../target/hidden";
import type { DesiredState } from "../desired/resolve";
import { contentGrants } from "../desired/resolve";
import { contentRef, envRef } from "./container-config";
import { ensureImages, fetchSavedImages } from "./images";
import { fingerprintOf, observe, queryOf } from "./observe";
import type { Observed, ObservedQuery } from "./observed";
import { composeOps } from "./ops";
import { planCompose, planComposeDestroy } from "./plan";

/** Every sensitive value a compose plan of `desired` may carry, by its reference. */
function hiddenOf(desired: DesiredState): Map<string, Hidden> {
  const out = new Map<string, Hidden>();
  for (const svc of Object.values(desired.services)) {
    for (const p of svc.sensitive) {
      if (!p.startsWith("environment.")) continue;
      const key = p.slice("environment.".length);
      const value = svc.resolved.environment?.[key];
      if (typeof value === "string") out.set(envRef(svc.name, key), new Hidden(envRef(svc.name, key), value));
    }
    for (const g of contentGrants(desired, svc.resolved))
      out.set(contentRef(g.kind, g.grant.source), new Hidden(contentRef(g.kind, g.grant.source), g.content));
  }
  return out;
}

export const composeTarget: Target<DesiredState, Observed> = {
  name: "compose",
  async resolve(stack, ctx) {
    if (ctx.fetchImages) await ensureImages(ctx.engine, stack.desired, { build: ctx.build, pull: ctx.pull, onProgress: ctx.onImage });
    return stack.desired;
  },
  query: (desired) => queryOf(desired) as unknown as Readonly<Record<string, readonly string[]>>,
  observe: (engine, project, query) => observe(engine, project, query as ObservedQuery | undefined),
  plan: (desired, observed, options) => planCompose(desired, observed, options),
  planDestroy: (observed, options) => planComposeDestroy(observed, options),
  fingerprintOf,
  hidden: hiddenOf,
  ops: composeOps,
  prepareSaved: (engine, plan, onImage) => fetchSavedImages(engine, plan.images ?? [], onImage),
};
