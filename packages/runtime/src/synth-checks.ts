/**
 * The checks `dsl synth` makes before it writes a file, for either target, so that
 * `dsl validate` (and a library user) can make the same ones without writing anything.
 */
import type { Graph, Problem } from "@berth/dsl";
import { checkComposeFile, toComposeModel } from "./synth";
import { contentHashes, toSwarmModel } from "./swarm";
import type { TargetName } from "./target/types";

/** What {@link synthChecks} found: located problems, and (Swarm target) what a stack file cannot say, each message located. */
export interface SynthChecks {
  readonly problems: Problem[];
  readonly swarmErrors: string[];
}

/**
 * Every reason synth would refuse the stack for `target`: the compose-spec schema, a stack
 * with no services, a secret or config file that does not exist (relative to `stack.dir`),
 * and for Swarm what a stack file cannot express. The graph rules (one mount per target,
 * container names, host IPs, …) already ran when the stack was loaded.
 */
export function synthChecks(
  stack: { readonly graph: Graph; readonly dir: string },
  options: { readonly target: TargetName; readonly env: Readonly<Record<string, string | undefined>> },
): SynthChecks {
  const { graph, dir } = stack;
  if (options.target === "swarm") {
    const { model, diagnostics } = toSwarmModel(graph, { contentHash: contentHashes(graph, { dir, env: options.env }) });
    return { problems: checkComposeFile(graph, model, { dir }), swarmErrors: diagnostics.filter((d) => d.level === "error").map((d) => d.message) };
  }
  return { problems: checkComposeFile(graph, toComposeModel(graph), { dir }), swarmErrors: [] };
}
