/** What only the Swarm target has in the CLI: its stack file (`dsl synth --target swarm`) and its `ps` tree. */
import * as path from "node:path";
import { ValidationError } from "@berth/dsl";
import { BerthError, checkComposeFile, contentHashes, relocate, synthSwarm, toSwarmModel, type SwarmStackStatus } from "@berth/runtime";
import { emit, sensitiveMode, synthTarget, type SynthOptions } from "./synth-output";
import { loadStack, stackFile } from "../engine";
import type { Io } from "../io";
import { table } from "../render";

/** Diagnostics that are errors stop synth, after every one has been printed. */
export class SwarmSynthError extends BerthError {
  constructor(readonly problems: readonly string[]) {
    super(`${problems.length} problem${problems.length === 1 ? "" : "s"} for a Swarm stack:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
}

/** `dsl synth --target swarm`: a stack file for `docker stack deploy -c`. Warnings go to stderr. */
export async function swarmSynthCommand(file: string | undefined, opts: SynthOptions, io: Io): Promise<void> {
  const loaded = await loadStack(stackFile(file, opts), io, opts);
  const where = synthTarget(opts, io);
  const sensitive = sensitiveMode(opts, io, where);
  const graph = relocate(loaded.graph, loaded.dir, where.dir);
  // Versioned names need the contents: read from the stack's folder (or the environment), hashed, never printed.
  const contentHash = contentHashes(loaded.graph, { dir: loaded.dir, env: io.env });
  const { model, diagnostics } = toSwarmModel(graph, { contentHash, sensitive });
  const errors = diagnostics.filter((d) => d.level === "error").map((d) => d.message);
  if (errors.length) throw new SwarmSynthError(errors);
  // The same checks as the compose target's synth: never print a file the engine would refuse.
  const problems = checkComposeFile(graph, model, { dir: where.dir });
  if (problems.length > 0) throw new ValidationError(problems, `stack "${graph.project}"`);
  for (const d of diagnostics) io.stderr.write(`warning: ${d.message}\n`);
  const text = opts.json ? `${JSON.stringify(model, null, 2)}\n` : synthSwarm(graph, { contentHash, sensitive }).yaml;
  emit(graph, text, sensitive, "docker", opts.json ? { dir: where.dir } : where, io);
  if (!where.out || opts.json) return;
  const shown = path.relative(io.cwd, where.out) || where.out;
  io.stderr.write(`wrote ${shown} (stack file: docker stack deploy -c ${shown} ${graph.project})\n`);
}

function ago(since: string, now: number): string {
  const t = Date.parse(since);
  if (!Number.isFinite(t)) return "";
  const s = Math.max(0, Math.round((now - t) / 1000));
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
}

/** `dsl ps --target swarm`: stack → service → tasks. */
export function printSwarmStatus(status: SwarmStackStatus, io: Io): void {
  if (!status.services.length) {
    io.stdout.write(`Stack "${status.stack}" has no services on ${status.endpoint} (dsl apply --target swarm creates them).\n`);
    return;
  }
  const now = Date.now();
  io.stdout.write(`Stack "${status.stack}" (${status.endpoint})\n`);
  for (const s of status.services) {
    const want = s.mode === "global" ? "global" : `${s.running}/${s.replicas}`;
    io.stdout.write(`\nservice ${s.service} (${s.engineName})  ${want} running  ${s.image}${s.updateState ? `  update ${s.updateState}` : ""}\n`);
    const rows = [
      ["TASK", "ID", "NODE", "DESIRED", "CURRENT", "ERROR"],
      ...s.tasks.map((t) => [t.name, t.id.slice(0, 12), t.node, t.desiredState, `${t.currentState} ${ago(t.since, now)}`.trim(), t.error ?? ""]),
    ];
    io.stdout.write(table(rows).replace(/^(?=.)/gm, "  "));
  }
}
