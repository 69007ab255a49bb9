/**
 * `dsl watch [stack]`: apply, then apply again whenever the stack file or a local module it
 * imports changes (debounced), printing the preview and progress each time (`--yes` is implied:
 * watching is the consent). A stack with an error prints the located error and watching goes on;
 * the fix is applied. Ctrl-C while waiting stops watching and leaves the stack running; during an
 * apply it finishes the steps under way first (as `dsl apply`), then stops.
 *
 * Services' `develop.watch` rules are honoured too (compose target): a changed file under a
 * `sync` path is copied into the running containers, `rebuild` builds and recreates that service
 * only, `restart` and the `sync+…` actions as their names say (develop.ts in the runtime).
 *
 * Folders are watched, not files: editors save by writing a new file and renaming it over the old
 * one, which ends a watch on the old file's inode.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { execRule, filesUnder, restartService, stackInputs, syncFiles, targetOf, triggeredBy, watchTriggers, type WatchTrigger } from "@berth/runtime";
import { engineFor, forgetLoads, prepareStack, stackFile } from "../engine";
import { reportError } from "../errors";
import type { Io } from "../io";
import { applyCommand, type ApplyCommandOptions } from "./apply";

export interface WatchCommandOptions extends ApplyCommandOptions {
  readonly debounce?: string;
}

function debounceMs(text: string | undefined): number {
  const n = Number(text ?? "200");
  return Number.isFinite(n) && n >= 0 ? n : 200;
}

/** `a.txt`, `a.txt and b.txt`, `4 files under src`. */
function describeFiles(list: readonly string[], shown: (f: string) => string, root: string): string {
  if (list.length <= 2) return list.map(shown).join(" and ");
  return `${list.length} files under ${shown(root)}`;
}

export async function watchCommand(file: string | undefined, opts: WatchCommandOptions, io: Io): Promise<number> {
  const stack = path.resolve(io.cwd, stackFile(file, opts));
  const wait = debounceMs(opts.debounce);
  const shown = (f: string) => path.relative(io.cwd, f) || f;
  const say = (line: string) => io.stdout.write(`[watch] ${line}\n`);
  let watchers: fs.FSWatcher[] = [];
  let devWatchers: fs.FSWatcher[] = [];
  let files = new Set<string>();
  let triggers: WatchTrigger[] = [];
  let project: string | undefined;
  let initialSyncDone = false;
  let timer: NodeJS.Timeout | undefined;
  let devTimer: NodeJS.Timeout | undefined;
  let running = false;
  let pending: string | undefined;
  const devPending = new Map<WatchTrigger, Set<string>>();
  let stopping = false;
  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));

  const stop = () => {
    for (const w of [...watchers, ...devWatchers]) w.close();
    watchers = [];
    devWatchers = [];
    if (timer) clearTimeout(timer);
    if (devTimer) clearTimeout(devTimer);
    process.off("SIGINT", onSigint);
    say(`stopped watching; the stack keeps running (dsl destroy removes it)`);
    finish(0);
  };
  function onSigint() {
    stopping = true;
    if (!running) stop();
  }

  /** The develop.watch rules of the stack as it loads now (a stack that does not load keeps the rules it had). */
  const rewatchDevelop = async () => {
    try {
      const prepared = await prepareStack(stack, opts, io);
      const swarm = targetOf(prepared, opts.target) === "swarm";
      triggers = swarm ? [] : watchTriggers(prepared);
      project = prepared.desired.project;
    } catch {
      return;
    }
    for (const w of devWatchers) w.close();
    devWatchers = [];
    for (const root of new Set(triggers.map((t) => t.root))) {
      const isDir = fs.existsSync(root) && fs.statSync(root).isDirectory();
      const dir = isDir ? root : path.dirname(root);
      if (!fs.existsSync(dir)) {
        say(`${shown(root)} does not exist: its watch rule waits for it`);
        devWatchers.push(awaitPath(root));
        continue;
      }
      devWatchers.push(
        fs.watch(dir, { recursive: isDir }, (_event, name) => {
          if (!name) return;
          const changed = path.join(dir, name.toString());
          if (isDir || changed === root) developChanged(changed);
        }),
      );
    }
  };

  /**
   * Watches the nearest folder of `root` that exists: once the next one on the way to it appears,
   * the rules are watched again, and what the path holds by then is handled as changed (it was
   * created, so it is new to the containers too).
   */
  const awaitPath = (root: string): fs.FSWatcher => {
    let at = path.dirname(root);
    while (!fs.existsSync(at) && path.dirname(at) !== at) at = path.dirname(at);
    const watcher = fs.watch(at, (_event, name) => {
      if (!name) return;
      const next = path.join(at, name.toString());
      if ((root !== next && !root.startsWith(`${next}${path.sep}`)) || !fs.existsSync(next)) return;
      watcher.close();
      void rewatchDevelop().then(() => {
        for (const f of new Set(triggers.filter((t) => t.root === root).flatMap(filesUnder))) developChanged(f);
      });
    });
    return watcher;
  };

  const rewatch = async () => {
    const inputs = (await stackInputs(stack, io.cwd)).map((f) => path.resolve(f));
    // A stack that does not compile names only itself: keep watching the modules it imported before.
    files = new Set(inputs.length > 1 ? inputs : [...files, ...inputs]);
    files.add(stack);
    for (const w of watchers) w.close();
    watchers = [...new Set([...files].map((f) => path.dirname(f)))].map((dir) =>
      fs.watch(dir, (_event, name) => {
        const changed = name ? path.join(dir, name.toString()) : undefined;
        if (changed && files.has(changed)) schedule(changed);
      }),
    );
    await rewatchDevelop();
    const others = files.size - 1;
    const rules = triggers.length ? ` and ${triggers.length} develop.watch rule${triggers.length === 1 ? "" : "s"}` : "";
    say(
      `waiting for changes to ${shown(stack)}${others ? ` and ${others} module${others === 1 ? "" : "s"} it imports` : ""}${rules} (Ctrl-C stops watching; the stack keeps running)`,
    );
    if (!initialSyncDone) {
      initialSyncDone = true;
      for (const t of triggers) if (t.rule.initialSync) for (const f of filesUnder(t)) queueDevelop(t, f);
    }
  };

  const cycle = async (why: string | undefined) => {
    running = true;
    if (why) say(`${shown(why)} changed: applying`);
    forgetLoads();
    try {
      await applyCommand([], { ...opts, file: stack, yes: true }, io);
    } catch (err) {
      reportError(err, io, opts);
    }
    running = false;
    if (stopping) return stop();
    await rewatch();
    await afterRun();
  };

  /** What waited while an apply ran: a stack change first (it re-plans everything), else the develop changes. */
  const afterRun = async () => {
    if (pending !== undefined) {
      const next = pending;
      pending = undefined;
      return cycle(next);
    }
    if (devPending.size) await developCycle();
  };

  function schedule(changed: string) {
    if (stopping) return;
    if (running) {
      pending = changed;
      return;
    }
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void cycle(changed);
    }, wait);
  }

  function queueDevelop(t: WatchTrigger, changed: string) {
    const set = devPending.get(t) ?? new Set<string>();
    set.add(changed);
    devPending.set(t, set);
  }

  function developChanged(changed: string) {
    if (stopping || files.has(changed)) return;
    const hit = triggeredBy(triggers, changed);
    if (!hit.length) return;
    for (const t of hit) queueDevelop(t, changed);
    if (running) return;
    if (devTimer) clearTimeout(devTimer);
    devTimer = setTimeout(() => {
      devTimer = undefined;
      void developCycle();
    }, wait);
  }

  /** Runs the queued rules: syncs (then their restart or exec), restarts, and one rebuild apply for the services to rebuild. */
  const developCycle = async () => {
    if (running || !devPending.size || project === undefined) return;
    running = true;
    const batch = [...devPending.entries()];
    devPending.clear();
    const engine = engineFor(opts, io);
    // A service being rebuilt gets its files from the build: its other rules do not run this time.
    const rebuild = new Map<string, string[]>();
    for (const [t, changed] of batch) if (t.rule.action === "rebuild") rebuild.set(t.service, [...(rebuild.get(t.service) ?? []), ...changed]);
    for (const [t, changed] of batch) {
      const list = [...changed].sort();
      const what = describeFiles(list, shown, t.root);
      const { action } = t.rule;
      try {
        if (rebuild.has(t.service)) continue;
        if (action.startsWith("sync")) {
          const r = await syncFiles(engine, project, t, list);
          const into = r.containers.length ? r.containers.join(", ") : `no running container of ${t.service}`;
          const moved = [
            r.copied.length ? `synced to ${r.copied.length === 1 ? r.copied[0] : t.rule.target}` : "",
            r.deleted.length ? `deleted ${r.deleted.length === 1 ? r.deleted[0] : `${r.deleted.length} files`}` : "",
          ]
            .filter(Boolean)
            .join(", ");
          say(`${what} changed: ${moved} in ${into}`);
        }
        if (action === "sync+restart" || action === "restart")
          say(
            `${action === "restart" ? `${what} changed: ` : ""}restarted ${(await restartService(engine, project, t.service)).join(", ") || "nothing (no running container)"}`,
          );
        if (action === "sync+exec") say(`ran ${JSON.stringify(t.rule.exec?.command)} in ${(await execRule(engine, project, t)).join(", ")}`);
      } catch (err) {
        say(`${what} changed, but ${action} failed for service ${t.service}: ${(err as Error).message}`);
      }
    }
    if (rebuild.size) {
      const services = [...rebuild.keys()].sort();
      const changed = [...new Set([...rebuild.values()].flat())].sort();
      say(`${describeFiles(changed, shown, path.dirname(stack))} changed: rebuilding ${services.join(", ")}`);
      forgetLoads();
      try {
        await applyCommand(services, { ...opts, file: stack, yes: true, build: true, deps: false }, io);
      } catch (err) {
        reportError(err, io, opts);
      }
    }
    running = false;
    if (stopping) return stop();
    await afterRun();
  };

  process.on("SIGINT", onSigint);
  await cycle(undefined);
  return done;
}
