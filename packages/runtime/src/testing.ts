/**
 * Helpers for testing your own stacks the way Berth tests its own: build a stack in a test,
 * then assert on its compose YAML, its graph, or the plan it would make against an engine
 * state you describe — no Docker needed.
 *
 *   const stack = new Stack("blog");
 *   new Service("web", { image: "nginx:1.27" });
 *   expect(Testing.synth(stack)).toMatchSnapshot();
 *   expect(Testing.preview(stack)).toContain("+ service  web");
 */
import type { Graph, Stack } from "@berth/dsl";
import { resolveDesired } from "./desired/resolve";
import type { Observed } from "./compose/observed";
import { planCompose, type ComposePlanOptions as PlanOptions } from "./compose/plan";
import { formatPlan } from "./target/format";
import type { Plan } from "./target/types";
import { synth } from "./synth";

export interface TestingOptions {
  /** Folder relative paths are resolved against (default: the current one). */
  readonly dir?: string;
  /** Environment for `null` env values and env files (default: empty, for repeatable tests). */
  readonly env?: NodeJS.ProcessEnv;
}

function emptyObserved(project: string): Observed {
  return { project, endpoint: "test://engine", containers: [], networks: [], volumes: [], foreign: [], foreignNetworks: [], foreignVolumes: [], images: {} };
}

export const Testing = {
  /** The validated graph (throws the ValidationError a user would see). */
  graph(stack: Stack): Graph {
    return stack.toGraph();
  },
  /** The docker-compose YAML `dsl synth` writes for the stack. */
  synth(stack: Stack): string {
    return synth(stack.toGraph());
  },
  /** The plan against an engine state (default: an empty engine). */
  plan(stack: Stack, observed?: Partial<Observed>, options: PlanOptions & TestingOptions = {}): Plan {
    const graph = stack.toGraph();
    const desired = resolveDesired(graph, { dir: options.dir ?? process.cwd(), env: options.env ?? {} });
    return planCompose(desired, { ...emptyObserved(graph.project), ...observed }, options);
  },
  /** The preview text `dsl diff` prints for that plan (no colors). */
  preview(stack: Stack, observed?: Partial<Observed>, options: PlanOptions & TestingOptions = {}): string {
    return formatPlan(Testing.plan(stack, observed, options));
  },
};
