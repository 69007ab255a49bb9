/** `dsl pull [service…]`: pull the services' images from their registries, as compose's `pull --ignore-buildable`. */
import { pullImages } from "@berth/runtime";
import { engineFor, type EngineOptions, positionals, prepareStack, stackFile } from "../engine";
import { type Io, writeJson } from "../io";
import { withImageProgress } from "../progress";

export async function pullCommand(args: string[], opts: EngineOptions, io: Io): Promise<number> {
  const started = Date.now();
  const { file, services } = positionals(args);
  const { desired } = await prepareStack(stackFile(file, opts), opts, io);
  const { pulled, buildable } = await withImageProgress(io, opts, (onProgress) => pullImages(engineFor(opts, io), desired, { services, onProgress }));
  const images = pulled.map((s) => desired.services[s].image);
  if (opts.json) {
    writeJson(io, { project: desired.project, pulled: pulled.map((s, i) => ({ service: s, image: images[i] })), buildable });
    return 0;
  }
  if (pulled.length)
    io.stdout.write(
      `Pulled ${pulled.length} ${pulled.length === 1 ? "image" : "images"} in ${((Date.now() - started) / 1000).toFixed(1)}s: ${images.join(", ")}.\n`,
    );
  if (buildable.length) io.stdout.write(`Not pulled (built by dsl build): ${buildable.join(", ")}.\n`);
  return 0;
}
