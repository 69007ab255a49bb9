/**
 * What `dsl watch` does with a service's `develop.watch` rules, as `docker compose watch` does:
 * a changed file under a rule's path (not ignored: the rule's `ignore`, the build context's
 * `.dockerignore`, `.git/`, editors' temporary files) triggers the rule. `sync` copies it into
 * every running container of the service under `target` (a deleted one is deleted there), with
 * no rebuild and no recreate; `sync+restart` then restarts them, `sync+exec` runs a command in
 * them, `restart` only restarts; `rebuild` is the caller's (an apply of that service alone, with
 * a build). The container side goes through the engine's archive and exec APIs only.
 */
import type { DevelopWatchSpec } from "@berth/dsl";
import * as fs from "node:fs";
import * as path from "node:path";
import { splitCommand } from "./compose/container-config";
import { projectContainers } from "./day2";
import type { Prepared } from "./deploy";
import type { ObservedContainer } from "./compose/observed";
import type { Engine } from "./engine/types";
import { ignoreMatcher, isEphemeral } from "./internal/ignore";

export interface WatchTrigger {
  readonly service: string;
  readonly rule: DevelopWatchSpec;
  /** The rule's path, absolute. */
  readonly root: string;
  /** True when a changed path (absolute) is excluded from the rule. */
  readonly ignores: (file: string) => boolean;
}

function dockerignore(context: string): string[] {
  try {
    return fs.readFileSync(path.join(context, ".dockerignore"), "utf8").split(/\r?\n/);
  } catch {
    return [];
  }
}

/** The stack's watch rules, every path absolute. */
export function watchTriggers(prepared: Prepared): WatchTrigger[] {
  const dir = path.dirname(prepared.file);
  const out: WatchTrigger[] = [];
  for (const svc of Object.values(prepared.graph.services)) {
    const context = svc.build && !/^[a-z]+:\/\/|^git@/i.test(svc.build.context) ? path.resolve(dir, svc.build.context) : undefined;
    const byContext = context ? ignoreMatcher(dockerignore(context)) : undefined;
    for (const rule of svc.develop?.watch ?? []) {
      const root = path.resolve(dir, rule.path);
      const own = ignoreMatcher(rule.ignore ?? []);
      const include = rule.include ? ignoreMatcher(rule.include) : undefined;
      const ignores = (file: string) => {
        const rel = path.relative(root, file);
        if (isEphemeral(rel)) return true;
        if (include && !include(rel)) return true;
        if (own(rel)) return true;
        return byContext !== undefined && context !== undefined && isInside(context, file) && byContext(path.relative(context, file));
      };
      out.push({ service: svc.name, rule, root, ignores });
    }
  }
  return out;
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** The rules a change of `file` (absolute) triggers. */
export function triggeredBy(triggers: readonly WatchTrigger[], file: string): WatchTrigger[] {
  return triggers.filter((t) => isInside(t.root, file) && !t.ignores(file));
}

/** Where a host file under a sync rule lands in the container. */
export function containerPath(t: WatchTrigger, file: string): string {
  const rel = path.relative(t.root, file).split(path.sep).join("/");
  return rel ? path.posix.join(t.rule.target ?? "/", rel) : (t.rule.target ?? "/");
}

/** One archive of `present` (files that exist), each entry named by its path in the container (extracted at `/`, parents made as needed). */
async function archive(t: WatchTrigger, present: readonly string[]): Promise<Buffer | undefined> {
  if (!present.length) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tarFs = require("tar-fs") as typeof import("tar-fs");
  const base = path.dirname(t.root);
  const entries = present.map((f) => path.relative(base, f));
  const stream = tarFs.pack(base, {
    entries,
    map: (h) => ({ ...h, name: containerPath(t, path.join(base, h.name)).replace(/^\/+/, ""), uid: 0, gid: 0 }),
  });
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export interface SyncResult {
  /** The containers the files went into. */
  readonly containers: readonly string[];
  /** Container paths written, and deleted. */
  readonly copied: readonly string[];
  readonly deleted: readonly string[];
}

async function running(engine: Engine, project: string, service: string): Promise<ObservedContainer[]> {
  return (await projectContainers(engine, project, [service])).filter((c) => c.state === "running").sort((a, b) => a.number - b.number);
}

/** Copies (or deletes) `files` into every running container of the rule's service. */
export async function syncFiles(engine: Engine, project: string, t: WatchTrigger, files: readonly string[]): Promise<SyncResult> {
  const containers = await running(engine, project, t.service);
  const present = files.filter((f) => fs.existsSync(f));
  const tar = await archive(t, present);
  const gone = files.filter((f) => !present.includes(f)).map((f) => containerPath(t, f));
  for (const c of containers) {
    if (tar) await engine.putArchive(c.id, "/", tar);
    if (gone.length) {
      const res = await engine.exec(c.id, ["rm", "-rf", "--", ...gone]);
      if (res.exitCode !== 0) throw new Error(`cannot delete ${gone.join(", ")} in ${c.name}: rm exited ${res.exitCode} ${res.stderr.trim()}`);
    }
  }
  return {
    containers: containers.map((c) => c.name),
    copied: present.map((f) => containerPath(t, f)),
    deleted: gone,
  };
}

/** The files under a sync rule's path, for `initialSync`. */
export function filesUnder(t: WatchTrigger): string[] {
  if (!fs.existsSync(t.root)) return [];
  if (!fs.statSync(t.root).isDirectory()) return [t.root];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const f = path.join(dir, e.name);
      if (t.ignores(f)) continue;
      if (e.isDirectory()) walk(f);
      else out.push(f);
    }
  };
  walk(t.root);
  return out;
}

/** Restarts the service's running containers (`sync+restart`, `restart`). */
export async function restartService(engine: Engine, project: string, service: string): Promise<string[]> {
  const containers = await running(engine, project, service);
  for (const c of containers) await engine.restartContainer(c.id);
  return containers.map((c) => c.name);
}

/** Runs a `sync+exec` rule's command in every running container of its service; throws on a non-zero exit. */
export async function execRule(engine: Engine, project: string, t: WatchTrigger): Promise<string[]> {
  const e = t.rule.exec;
  if (!e) return [];
  const containers = await running(engine, project, t.service);
  const command = splitCommand(e.command) ?? [];
  const env = Object.entries(e.environment ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const c of containers) {
    const res = await engine.exec(c.id, command, { user: e.user, workingDir: e.workingDir, env, privileged: e.privileged });
    if (res.exitCode !== 0) throw new Error(`${command.join(" ")} exited ${res.exitCode} in ${c.name}${res.stderr.trim() ? `: ${res.stderr.trim()}` : ""}`);
  }
  return containers.map((c) => c.name);
}
