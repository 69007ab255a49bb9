/** `dsl unlock [--force]`: who holds the project's lock and for how long; stale locks go, live or remote ones only with --force. */
import { BerthError, breakLocks, lockPort } from "@berth/runtime";
import { engineFor, type EngineOptions, prepareStack, stackFile } from "../engine";
import { type Io, writeJson } from "../io";

export interface UnlockOptions extends EngineOptions {
  readonly force?: boolean;
}

export async function unlockCommand(opts: UnlockOptions, io: Io): Promise<number> {
  const project = opts.project ?? (await prepareStack(stackFile(undefined, opts), opts, io)).desired.project;
  const locks = await breakLocks(lockPort(engineFor(opts, io)), project, { force: opts.force });
  if (opts.json) writeJson(io, { project, locks });
  else if (!locks.length) io.stdout.write(`Project "${project}" is not locked.\n`);
  for (const l of opts.json ? [] : locks) {
    const why = l.stale ? "its process is gone" : l.removed ? "broken (--force)" : "kept: its holder may still be working";
    io.stdout.write(`  ${l.removed ? "✓ removed" : "! kept"} ${l.name}: ${l.holder}${l.age ? `, held for ${l.age}` : ""} (${why})\n`);
  }
  const kept = locks.filter((l) => !l.removed);
  if (kept.length) {
    throw new BerthError(
      `${kept.length === 1 ? "a lock" : `${kept.length} locks`} of "${project}" may still be held by a running apply (on ${[...new Set(kept.map((l) => l.host))].join(", ")}, where Berth cannot see whether it is alive); if you are sure it is not, pass --force to break ${kept.length === 1 ? "it" : "them"}`,
    );
  }
  return 0;
}
