/** `dsl synth`: the stack as a compose file (or, for the Swarm target, a stack file). */
import * as path from "node:path";
import { ValidationError } from "@berth/dsl";
import { checkComposeFile, relocate, synth, targetOf, toComposeModel } from "@berth/runtime";
import type { Io } from "../io";
import { loadStack, stackFile } from "../engine";
import { swarmSynthCommand } from "./swarm";
import { emit, sensitiveMode, synthTarget, type SynthOptions } from "./synth-output";

export type { SynthOptions } from "./synth-output";

/** `dsl synth`: stack.ts → docker-compose YAML on stdout, or into `-o file` (a Swarm stack file for the swarm target). */
export async function synthCommand(file: string | undefined, opts: SynthOptions, io: Io): Promise<void> {
  const loaded = await loadStack(stackFile(file, opts), io, opts);
  if (targetOf(loaded, opts.target) === "swarm") return swarmSynthCommand(file, opts, io);
  const where = synthTarget(opts, io);
  const mode = sensitiveMode(opts, io, where);
  // Relative paths in the output resolve against the compose file's folder (stdin: the current one).
  const graph = relocate(loaded.graph, loaded.dir, where.dir);
  const model = toComposeModel(graph, { sensitive: mode });
  // Never print what compose would refuse: the problems instead, at the user's lines.
  const problems = checkComposeFile(graph, model, { dir: where.dir });
  if (problems.length > 0) throw new ValidationError(problems, `stack "${graph.project}"`);
  // --json: the model on stdout (as writeJson prints it), whatever -o says.
  const text = opts.json ? `${JSON.stringify(model, null, 2)}\n` : synth(graph, { sensitive: mode });
  emit(graph, text, mode, "compose", opts.json ? { dir: where.dir } : where, io);
  if (!where.out || opts.json) return;
  const n = Object.keys(graph.services).length;
  io.stderr.write(`wrote ${path.relative(io.cwd, where.out) || where.out} (${n} service${n === 1 ? "" : "s"})\n`);
}
