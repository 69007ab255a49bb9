/**
 * Saved plans: what Terraform users rely on in CI, and compose lacks. `dsl diff --out plan.json`
 * writes a plan with the fingerprint of the engine state it was made from; `dsl apply
 * plan.json` runs exactly that plan, after checking under the lock that the engine still
 * matches the fingerprint (else it refuses, naming what moved, and does nothing).
 *
 * Sensitive values are never in the file: steps hold them as references with a digest (see
 * `hidden.ts`). A plan that needs some gets them back from the stack it was made from, and
 * refuses when one of them changed since (the plan would no longer be the one reviewed).
 */
import { BerthError } from "@berth/dsl";
import type { Engine } from "../engine/types";
import { VERSION } from "../version";
import type { Target } from "./contract";
import { executeOptions, withLock, type ConvergeOptions, type ConvergeOutcome } from "./converge";
import { execute } from "./execute";
import { hiddenRefs, restoreHidden, type Hidden } from "./hidden";
import { PLAN_FORMAT, type Plan } from "./types";

/** The file form of a plan: the plan, and which Berth wrote it. */
interface PlanFile extends Plan {
  readonly berth: string;
}

/** The plan as the text of a plan file (no sensitive value in it, by construction). */
export function planToJson(plan: Plan): string {
  const file: PlanFile = { berth: VERSION, ...plan };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** A plan file's text → the plan; a file of another format, or that is no plan at all, is a clear error. */
export function planFromJson(text: string, source: string): Plan {
  let data: Partial<PlanFile>;
  try {
    data = JSON.parse(text) as Partial<PlanFile>;
  } catch (err) {
    throw new BerthError(`${source}: not a plan file (${(err as Error).message})`, { cause: err });
  }
  if (typeof data !== "object" || data === null || !Array.isArray(data.steps) || !Array.isArray(data.actions) || typeof data.target !== "string") {
    throw new BerthError(`${source}: not a plan file (a plan has "target", "actions" and "steps")`);
  }
  if (data.format !== PLAN_FORMAT) {
    throw new BerthError(
      `${source}: the plan was saved by Berth ${data.berth ?? "(unknown version)"} in plan format ${String(data.format)}; this Berth (${VERSION}) reads format ${PLAN_FORMAT} only: make the plan again with this version`,
    );
  }
  const { berth: _berth, ...plan } = data as PlanFile;
  return plan;
}

/** True when the plan holds references to sensitive values that must come back from the stack before it runs. */
export function needsStack(plan: Plan): boolean {
  return hiddenRefs(plan.steps).length > 0;
}

/** `id 22e1a37b7ebe → f8ae31aad2af, config 994485227806 → 78c4338fddb8`: the fields of a fingerprint that differ. */
function changedFields(before: string, now: string): string {
  const b = before.split(" ");
  const n = now.split(" ");
  if (b.length !== n.length) return `${before} → ${now}`;
  return b
    .map((v, i) =>
      v === n[i]
        ? undefined
        : v.includes(":")
          ? `${v.slice(0, v.indexOf(":"))} ${v.slice(v.indexOf(":") + 1)} → ${n[i].slice(n[i].indexOf(":") + 1)}`
          : `${v} → ${n[i]}`,
    )
    .filter((x) => x !== undefined)
    .join(", ");
}

/** What moved between the fingerprint a plan was made from and the engine now, one phrase per object. */
export function moved(before: Readonly<Record<string, string>>, now: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (const key of Object.keys(before).sort()) {
    if (!(key in now)) out.push(`${key} is gone`);
    else if (now[key] !== before[key]) out.push(`${key} changed (${changedFields(before[key], now[key])})`);
  }
  for (const key of Object.keys(now).sort()) if (!(key in before)) out.push(`${key} appeared`);
  return out;
}

/** The engine is no longer in the state the saved plan was made from: nothing was done. */
export class PlanStaleError extends BerthError {
  constructor(
    readonly plan: Plan,
    readonly changes: readonly string[],
  ) {
    super(
      `the engine changed since the plan was made; nothing was done:\n${changes.map((c) => `  ${c}`).join("\n")}\nmake a new plan from the stack and review it again`,
    );
  }
}

export interface ApplySavedOptions extends Omit<ConvergeOptions, "confirm" | "dryRun" | "forceRecreate" | "volumes" | "services" | "build" | "pull"> {
  /** The sensitive values of the stack the plan was made from (needed when the plan refers to some). */
  readonly hidden?: ReadonlyMap<string, Hidden>;
}

/** Runs exactly the saved plan's steps, if the engine still matches its fingerprint (checked under the lock). */
export async function applySaved<D, O>(engine: Engine, target: Target<D, O>, saved: Plan, options: ApplySavedOptions = {}): Promise<ConvergeOutcome> {
  if (saved.target !== target.name) throw new BerthError(`the plan is for the ${saved.target} target, not ${target.name}`, { kind: "internal" });
  const refs = hiddenRefs(saved.steps);
  if (refs.length && !options.hidden) {
    throw new BerthError(
      `the plan needs ${refs.length} sensitive value${refs.length === 1 ? "" : "s"} (${[...new Set(refs.map((r) => r.sensitive))].join(", ")}) that a plan file never holds: apply it with the stack it was made from`,
    );
  }
  const plan = refs.length ? restoreHidden(saved, options.hidden ?? new Map()) : saved;
  await options.onPlan?.(plan, "preview");
  if (plan.blockers.length) throw new BerthError(`the saved plan cannot be applied:\n${plan.blockers.map((b) => `  ${b.message}`).join("\n")}`);
  if (!plan.steps.length) return { plan, result: "no-changes" };
  await target.prepareSaved?.(engine, plan, options.onImage);
  const purpose = options.purpose ?? `dsl apply (saved plan${target.name === "swarm" ? ", swarm" : ""})`;
  return withLock(engine, plan.project, { timeoutMs: options.lockTimeoutMs, purpose, clock: options.clock }, async () => {
    const observed = await target.observe(engine, plan.project, plan.fingerprint.query);
    const changes = moved(plan.fingerprint.objects, target.fingerprintOf(observed));
    if (changes.length) throw new PlanStaleError(plan, changes);
    await execute(plan, { ...executeOptions(options), engine, ops: target.ops });
    return { plan, result: "applied" };
  });
}
