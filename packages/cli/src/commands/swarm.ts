/** `--target swarm` for synth, diff, apply, destroy and ps: thin calls into the runtime's Swarm target. */
import { BerthError } from "@berth/runtime";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  applySwarm,
  contentHash8,
  destroySwarm,
  diffSwarm,
  formatSwarmPlan,
  isEmptySwarmPlan,
  relocate,
  summarizeSwarm,
  swarmPs,
  synthSwarm,
  toSwarmModel,
  type SwarmPlan,
  type SwarmProgressEvent,
} from "@berth/runtime";
import type { ApplyCommandOptions } from "./apply";
import type { DiffOptions } from "./diff";
import { emit, sensitiveMode, synthTarget, type SynthOptions } from "./synth";
import { EXIT_CHANGES } from "./diff";
import { engineFor, type EngineOptions, loadStack, parseDuration, prepareStack, stackFile } from "../engine";
import { type GlobalOptions, type Io, paint, useColor, writeJson } from "../io";
import { confirm } from "../prompt";
import { imagePrinter } from "../render";

/** Diagnostics that are errors stop synth, after every one has been printed. */
class SwarmSynthError extends BerthError {
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
  const contentHash = (kind: "secret" | "config", name: string): string | undefined => {
    const spec = kind === "secret" ? loaded.graph.secrets[name] : loaded.graph.configs[name];
    try {
      if (spec.file) return contentHash8(fs.readFileSync(path.resolve(loaded.dir, spec.file)));
    } catch {
      return undefined;
    }
    const inline = (spec as { content?: string }).content;
    const content = inline ?? (spec.environment ? io.env[spec.environment] : undefined);
    return content === undefined ? undefined : contentHash8(content);
  };
  const { model, diagnostics } = toSwarmModel(graph, { contentHash, sensitive });
  const errors = diagnostics.filter((d) => d.level === "error").map((d) => d.message);
  if (errors.length) throw new SwarmSynthError(errors);
  for (const d of diagnostics) io.stderr.write(`warning: ${d.message}\n`);
  const text = opts.json ? `${JSON.stringify(model, null, 2)}\n` : synthSwarm(graph, { contentHash, sensitive }).yaml;
  emit(graph, text, sensitive, "docker", opts.json ? { dir: where.dir } : where, io);
  if (!where.out || opts.json) return;
  const shown = path.relative(io.cwd, where.out) || where.out;
  io.stderr.write(`wrote ${shown} (stack file: docker stack deploy -c ${shown} ${graph.project})\n`);
}

function printWarnings(plan: SwarmPlan, io: Io): void {
  for (const w of plan.warnings) io.stderr.write(`warning: ${w}\n`);
}

function printSwarmPlan(plan: SwarmPlan, io: Io, opts: GlobalOptions, title?: string): void {
  printWarnings(plan, io);
  io.stdout.write(formatSwarmPlan(plan, { color: useColor(io, io.stdout, opts), title }));
}

/** `dsl diff --target swarm`. */
export async function swarmDiffCommand(file: string | undefined, opts: DiffOptions, io: Io): Promise<number> {
  const prepared = await prepareStack(stackFile(file, opts), opts, io);
  const { plan } = await diffSwarm(engineFor(opts, io), prepared);
  if (opts.json) writeJson(io, { ...plan, summary: summarizeSwarm(plan) });
  else printSwarmPlan(plan, io, opts);
  return opts.exitCode && !isEmptySwarmPlan(plan) ? EXIT_CHANGES : 0;
}

function progress(io: Io, opts: GlobalOptions): (e: SwarmProgressEvent) => void {
  const c = paint(useColor(io, io.stdout, opts));
  const verb = { create: "created", update: "updated", remove: "removed" } as const;
  return (e) => {
    const s = e.step;
    const what = `${s.kind} ${s.engineName}`;
    const converge = s.cause === "converge";
    if (e.status === "waiting") io.stdout.write(`  … ${e.message ?? `waiting for ${s.engineName}`}\n`);
    else if (e.status === "done")
      io.stdout.write(
        `  ${c.green("✓")} ${what} ${converge ? "converged" : verb[s.op]}${e.message ? ` (${e.message})` : ""} ${c.dim(`${((e.elapsedMs ?? 0) / 1000).toFixed(1)}s`)}\n`,
      );
    else if (e.status === "failed") io.stdout.write(`  ${c.red("✗")} ${what}: ${e.message ?? "failed"}\n`);
  };
}

function report(io: Io, opts: GlobalOptions, plan: SwarmPlan, result: string, started: number, verb: string): void {
  if (opts.json) {
    writeJson(io, { result, plan, summary: summarizeSwarm(plan) });
    return;
  }
  const s = summarizeSwarm(plan);
  if (result === "no-changes")
    io.stdout.write(
      verb === "Destroy"
        ? `Nothing to destroy: stack "${plan.stack}" has nothing on the swarm.\n`
        : `No changes: stack "${plan.stack}" on ${plan.endpoint} matches the stack.\n`,
    );
  else if (result === "declined") io.stdout.write(`${verb} cancelled; nothing was changed.\n`);
  else if (result === "dry-run") io.stdout.write("Dry run: nothing was changed.\n");
  else io.stdout.write(`${verb} complete: ${s.add} added, ${s.change} changed, ${s.remove} removed in ${((Date.now() - started) / 1000).toFixed(1)}s.\n`);
}

/** `dsl apply --target swarm`: build, preview, confirm, converge, wait. */
export async function swarmApplyCommand(file: string | undefined, opts: ApplyCommandOptions, io: Io): Promise<number> {
  const started = Date.now();
  const prepared = await prepareStack(stackFile(file, opts), opts, io);
  const outcome = await applySwarm(engineFor(opts, io), prepared, {
    dryRun: opts.dryRun,
    waitTimeoutMs: parseDuration(opts.waitTimeout, "--wait-timeout"),
    lockTimeoutMs: parseDuration(opts.lockTimeout, "--lock-timeout"),
    onPlan: opts.json ? undefined : (plan) => (isEmptySwarmPlan(plan) && !plan.blockers.length ? printWarnings(plan, io) : printSwarmPlan(plan, io, opts)),
    confirm: opts.yes ? undefined : () => confirm(io, "Apply these changes to the swarm?", "apply"),
    onStep: opts.json ? undefined : progress(io, opts),
    onImage: opts.json ? undefined : imagePrinter(io),
  });
  report(io, opts, outcome.plan, outcome.result, started, "Apply");
  return 0;
}

/** `dsl destroy --target swarm`: what `docker stack rm` removes. */
export async function swarmDestroyCommand(file: string | undefined, opts: ApplyCommandOptions, io: Io): Promise<number> {
  const started = Date.now();
  const stack = opts.project ?? (await prepareStack(stackFile(file, opts), opts, io)).graph.project;
  const outcome = await destroySwarm(engineFor(opts, io), stack, {
    dryRun: opts.dryRun,
    lockTimeoutMs: parseDuration(opts.lockTimeout, "--lock-timeout"),
    onPlan: opts.json ? undefined : (plan) => isEmptySwarmPlan(plan) || printSwarmPlan(plan, io, opts, "destroy plan"),
    confirm: opts.yes ? undefined : () => confirm(io, "Destroy this stack?", "destroy"),
    onStep: opts.json ? undefined : progress(io, opts),
  });
  report(io, opts, outcome.plan, outcome.result, started, "Destroy");
  return 0;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i])))
          .join("   ")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
}

function ago(since: string, now: number): string {
  const t = Date.parse(since);
  if (!Number.isFinite(t)) return "";
  const s = Math.max(0, Math.round((now - t) / 1000));
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
}

/** `dsl ps --target swarm`: stack → service → tasks. */
export async function swarmPsCommand(opts: EngineOptions, io: Io): Promise<number> {
  const stack = opts.project ?? (await prepareStack(stackFile(undefined, opts), opts, io)).graph.project;
  const status = await swarmPs(engineFor(opts, io), stack);
  if (opts.json) {
    writeJson(io, status);
    return 0;
  }
  if (!status.services.length) {
    io.stdout.write(`Stack "${stack}" has no services on ${status.endpoint} (dsl apply --target swarm creates them).\n`);
    return 0;
  }
  const now = Date.now();
  io.stdout.write(`Stack "${stack}" (${status.endpoint})\n`);
  for (const s of status.services) {
    const want = s.mode === "global" ? "global" : `${s.running}/${s.replicas}`;
    io.stdout.write(`\nservice ${s.service} (${s.engineName})  ${want} running  ${s.image}${s.updateState ? `  update ${s.updateState}` : ""}\n`);
    const rows = [
      ["TASK", "ID", "NODE", "DESIRED", "CURRENT", "ERROR"],
      ...s.tasks.map((t) => [t.name, t.id.slice(0, 12), t.node, t.desiredState, `${t.currentState} ${ago(t.since, now)}`.trim(), t.error ?? ""]),
    ];
    io.stdout.write(table(rows).replace(/^(?=.)/gm, "  "));
  }
  return 0;
}
