/** `dsl build [service…]`: build the images of the services that have a build, as compose's `build`. */
import { buildImages, pushImages } from "@berth/runtime";
import { engineFor, type EngineOptions, prepareStack, stackFile } from "../engine";
import { type Io, writeJson } from "../io";
import { withImageProgress } from "../progress";

export interface BuildCommandOptions extends EngineOptions {
  /** commander's `--no-cache` sets cache: false. */
  readonly cache?: boolean;
  readonly pull?: boolean;
}

export async function buildCommand(services: string[], opts: BuildCommandOptions, io: Io): Promise<number> {
  const started = Date.now();
  const prepared = await prepareStack(stackFile(undefined, opts), opts, io);
  const built = await withImageProgress(io, opts, (onProgress) =>
    buildImages(engineFor(opts, io), prepared.desired, { services, noCache: opts.cache === false, pull: opts.pull, onProgress }),
  );
  if (opts.json) writeJson(io, { project: prepared.desired.project, built: built.map((s) => ({ service: s, image: prepared.desired.services[s].image })) });
  else if (!built.length) io.stdout.write(`Nothing to build: no service of "${prepared.desired.project}" has a build.\n`);
  else
    io.stdout.write(
      `Built ${built.length} ${built.length === 1 ? "image" : "images"} in ${((Date.now() - started) / 1000).toFixed(1)}s: ${built.map((s) => prepared.desired.services[s].image).join(", ")}.\n`,
    );
  return 0;
}

/** `dsl push [service…]`: push the images of the services that have a build (or of the named ones), as compose's `push`. */
export async function pushCommand(services: string[], opts: EngineOptions, io: Io): Promise<number> {
  const started = Date.now();
  const prepared = await prepareStack(stackFile(undefined, opts), opts, io);
  const pushed = await withImageProgress(io, opts, (onProgress) => pushImages(engineFor(opts, io), prepared.desired, { services, onProgress }));
  if (opts.json) writeJson(io, { project: prepared.desired.project, pushed });
  else if (!pushed.length)
    io.stdout.write(`Nothing to push: no service of "${prepared.desired.project}" has a build (name the services to push their images).\n`);
  else
    io.stdout.write(
      `Pushed ${pushed.length} ${pushed.length === 1 ? "image" : "images"} in ${((Date.now() - started) / 1000).toFixed(1)}s: ${pushed.join(", ")}.\n`,
    );
  return 0;
}
