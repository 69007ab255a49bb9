/**
 * `develop.watch` rules → their graph form, with the rules compose applies when it reads them
 * (a sync rule needs an absolute `target`, `sync+exec` an `exec`, `rebuild` a `build`), each
 * reported at the rule's path. Shapes were checked by the props schema already.
 */
import type { DevelopWatchSpec } from "../graph";
import type { DevelopProps, DevelopWatchRule } from "../service-props";
import type { SynthContext } from "./member";

const SYNCS = new Set(["sync", "sync+restart", "sync+exec"]);

function patterns(p: string | readonly string[] | undefined): string[] | undefined {
  if (p === undefined) return undefined;
  const out = (typeof p === "string" ? [p] : [...p]).filter((x) => x !== "");
  return out.length ? out : undefined;
}

function rule(r: DevelopWatchRule, at: string, hasBuild: boolean, ctx: SynthContext): DevelopWatchSpec | undefined {
  const before = ctx.problems.length;
  if (r.path.trim() === "") ctx.report("expected a file or folder to watch, relative to the stack file's folder", `${at}.path`, r.path);
  else if (/[*?[]/.test(r.path)) ctx.report("globs are not supported in a watch path (as in compose): name a file or folder", `${at}.path`, r.path);
  if (SYNCS.has(r.action)) {
    if (r.target === undefined) ctx.report(`the "${r.action}" action needs a target: where the path lands in the container`, `${at}.target`);
    else if (!r.target.startsWith("/")) ctx.report("expected an absolute path in the container", `${at}.target`, r.target);
  } else if (r.initialSync) ctx.report(`initialSync applies to the sync actions only, not "${r.action}"`, `${at}.initialSync`, true);
  if (r.action === "sync+exec" && r.exec === undefined) ctx.report(`the "sync+exec" action needs exec: the command to run after syncing`, `${at}.exec`);
  if (r.action !== "sync+exec" && r.exec !== undefined) ctx.report(`exec is the command of a "sync+exec" rule, not of "${r.action}"`, `${at}.exec`);
  if (r.action === "rebuild" && !hasBuild)
    ctx.report(`the "rebuild" action needs the service to have build: there is nothing to rebuild`, `${at}.action`, r.action);
  if (ctx.problems.length > before) return undefined;
  const e = r.exec;
  return {
    path: r.path,
    action: r.action,
    target: r.target,
    ignore: patterns(r.ignore),
    include: patterns(r.include),
    exec: e && {
      command: typeof e.command === "string" ? e.command : [...e.command],
      user: e.user,
      workingDir: e.workingDir,
      environment: e.environment && { ...e.environment },
      privileged: e.privileged,
    },
    initialSync: r.initialSync,
  };
}

export function normalizeDevelop(d: DevelopProps | undefined, hasBuild: boolean, ctx: SynthContext): { watch: DevelopWatchSpec[] } | undefined {
  if (!d?.watch) return undefined;
  const watch = d.watch.map((r, i) => rule(r, `develop.watch[${i}]`, hasBuild, ctx)).filter((r): r is DevelopWatchSpec => r !== undefined);
  return watch.length ? { watch } : undefined;
}
