import { drawGraph, maskGraph, synthChecks, targetOf, type PictureFormat } from "@berth/runtime";
import { ValidationError, type Graph } from "@berth/dsl";
import { type Io, writeJson } from "../io";
import { type EngineOptions, loadStack, stackFile } from "../engine";
import { SwarmSynthError } from "./swarm";

export interface GraphOptions extends EngineOptions {
  readonly cache?: boolean;
  /** `dsl graph --format`: the JSON graph (default), or a picture. */
  readonly format?: "json" | PictureFormat;
}

function summary(graph: Graph): string {
  const count = (o: object, what: string) => {
    const n = Object.keys(o).length;
    return `${n} ${what}${n === 1 ? "" : "s"}`;
  };
  return [count(graph.services, "service"), count(graph.networks, "network"), count(graph.volumes, "volume")].join(", ");
}

/** `dsl validate`: load and validate, with the checks `dsl synth` makes for the stack's target; print a one-line summary, or the problems (exit 1). */
export async function validateCommand(file: string | undefined, opts: GraphOptions, io: Io): Promise<void> {
  const loaded = await loadStack(stackFile(file, opts), io, opts);
  const { graph } = loaded;
  const checks = synthChecks(loaded, { target: targetOf(loaded, opts.target), env: io.env });
  if (checks.swarmErrors.length > 0) throw new SwarmSynthError(checks.swarmErrors);
  if (checks.problems.length > 0) throw new ValidationError(checks.problems, `stack "${graph.project}"`);
  if (opts.json) {
    writeJson(io, { valid: true, project: graph.project, services: Object.keys(graph.services) });
    return;
  }
  io.stdout.write(`${stackFile(file, opts)}: valid: project "${graph.project}", ${summary(graph)}\n`);
}

/**
 * `dsl graph`: the resource graph as JSON (the contract every later stage reads), sensitive
 * values shown as `(sensitive)`; or, with `--format mermaid|dot|svg|html`, a picture of it.
 */
export async function graphCommand(file: string | undefined, opts: GraphOptions, io: Io): Promise<void> {
  const { graph } = await loadStack(stackFile(file, opts), io, opts);
  const format = opts.format ?? "json";
  if (format === "json") writeJson(io, maskGraph(graph));
  else io.stdout.write(drawGraph(maskGraph(graph), format));
}
