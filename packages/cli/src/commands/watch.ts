/**
 * `dsl watch [stack]`: apply, then apply again whenever the stack file or a local module it
 * imports changes (debounced), printing the preview and progress each time (`--yes` is implied:
 * watching is the consent). A stack with an error prints the located error and watching goes on;
 * the fix is applied. Ctrl-C while waiting stops watching and leaves the stack running; during an
 * apply it finishes the steps under way first (as `dsl apply`), then stops.
 *
 * Folders are watched, not files: editors save by writing a new file and renaming it over the old
 * one, which ends a watch on the old file's inode.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stackInputs } from "@berth/runtime";
import { forgetLoads, stackFile } from "../engine";
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

export async function watchCommand(file: string | undefined, opts: WatchCommandOptions, io: Io): Promise<number> {
  const stack = path.resolve(io.cwd, stackFile(file, opts));
  const wait = debounceMs(opts.debounce);
  const shown = (f: string) => path.relative(io.cwd, f) || f;
  let watchers: fs.FSWatcher[] = [];
  let files = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let pending: string | undefined;
  let stopping = false;
  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));

  const stop = () => {
    for (const w of watchers) w.close();
    watchers = [];
    if (timer) clearTimeout(timer);
    process.off("SIGINT", onSigint);
    io.stdout.write(`[watch] stopped watching; the stack keeps running (dsl destroy removes it)\n`);
    finish(0);
  };
  function onSigint() {
    stopping = true;
    if (!running) stop();
  }

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
    const others = files.size - 1;
    io.stdout.write(
      `[watch] waiting for changes to ${shown(stack)}${others ? ` and ${others} module${others === 1 ? "" : "s"} it imports` : ""} (Ctrl-C stops watching; the stack keeps running)\n`,
    );
  };

  const cycle = async (why: string | undefined) => {
    running = true;
    if (why) io.stdout.write(`[watch] ${shown(why)} changed: applying\n`);
    forgetLoads();
    try {
      await applyCommand([], { ...opts, file: stack, yes: true }, io);
    } catch (err) {
      reportError(err, io, opts);
    }
    running = false;
    if (stopping) return stop();
    await rewatch();
    if (pending !== undefined) {
      const next = pending;
      pending = undefined;
      await cycle(next);
    }
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

  process.on("SIGINT", onSigint);
  await cycle(undefined);
  return done;
}
