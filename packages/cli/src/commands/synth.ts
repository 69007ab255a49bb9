import * as fs from "node:fs";
import * as path from "node:path";
import { relocate, synth, targetOf, toComposeModel, type TargetName } from "@berth/runtime";
import type { Io } from "../io";
import { type EngineOptions, loadStack, stackFile } from "../engine";
import { writeJson } from "../io";
import { swarmSynthCommand } from "./swarm";

export interface SynthOptions extends EngineOptions {
  readonly output?: string;
  readonly target?: TargetName;
  readonly cache?: boolean;
}

/** `dsl synth`: stack.ts → docker-compose YAML on stdout, or into `-o file` (a Swarm stack file for the swarm target). */
export async function synthCommand(file: string | undefined, opts: SynthOptions, io: Io): Promise<void> {
  const loaded = await loadStack(stackFile(file, opts), io, opts);
  if (targetOf(loaded, opts.target) === "swarm") return swarmSynthCommand(file, opts, io);
  const toStdout = !opts.output || opts.output === "-";
  const out = toStdout ? undefined : path.resolve(io.cwd, opts.output as string);
  // Relative paths in the output resolve against the compose file's folder (stdin: the current one).
  const graph = relocate(loaded.graph, loaded.dir, out ? path.dirname(out) : io.cwd);
  if (opts.json) {
    writeJson(io, toComposeModel(graph));
    return;
  }
  const yaml = synth(graph);
  if (!out) {
    io.stdout.write(yaml);
    return;
  }
  fs.writeFileSync(out, yaml);
  const n = Object.keys(graph.services).length;
  io.stderr.write(`wrote ${path.relative(io.cwd, out) || out} (${n} service${n === 1 ? "" : "s"})\n`);
}
