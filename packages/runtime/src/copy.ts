/**
 * `dsl cp`: files between the host and a service's container, as `docker compose cp`:
 * `web:/etc/app.conf ./app.conf` out of the container, `./conf web:/etc/app` into it. A
 * destination that is an existing folder receives the source under its own name; any other
 * destination is the new name of the source.
 */
import { BerthError } from "@berth/dsl";
import * as fs from "node:fs";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import { serviceContainer } from "./day2";
import type { Engine } from "./engine/types";
import { isNotFound } from "./engine/errors";

type PackHeader = { name: string; type?: string; linkname?: string };

/** One side of a copy: a host path, or a path in a service's container (`service:/path`). */
export type CopyEnd = { readonly path: string; readonly service?: undefined } | { readonly service: string; readonly path: string };

/** `web:/etc/hosts` is a container path, anything else (`./x`, `/tmp/x`, `C:\x`) a host path. */
export function parseCopyEnd(text: string): CopyEnd {
  const m = /^([A-Za-z0-9][A-Za-z0-9_.-]+):(.*)$/.exec(text);
  return m ? { service: m[1], path: m[2] || "/" } : { path: text };
}

/** Renames an archive's root entry (`hosts`, `hosts/…`) to `to`. */
function renameRoot(name: string, from: string, to: string): string {
  if (name === from || name === `${from}/`) return to;
  return name.startsWith(`${from}/`) ? `${to}/${name.slice(from.length + 1)}` : name;
}

async function fromContainer(engine: Engine, id: string, src: string, dest: string, cwd: string): Promise<void> {
  const tar = await engine.getArchive(id, src);
  if (!tar) throw new BerthError(`cannot copy ${src}: no such file or folder in the container`);
  const target = path.resolve(cwd, dest);
  const intoFolder = fs.existsSync(target) && fs.statSync(target).isDirectory();
  const root = path.posix.basename(src.replace(/\/+$/, "")) || "/";
  const dir = intoFolder ? target : path.dirname(target);
  if (!fs.existsSync(dir)) throw new BerthError(`cannot copy to ${dest}: the folder ${path.dirname(dest)} does not exist`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tarFs = require("tar-fs") as typeof import("tar-fs");
  const map = intoFolder ? undefined : (h: PackHeader) => ({ ...h, name: renameRoot(h.name, root, path.basename(target)) });
  // tar-fs refuses symlinks that point outside the copy (`/etc/mtab -> /proc/mounts`); docker cp keeps them as they are, and so
  // do we, made only once every file is written, so that no entry of the archive can be written through one.
  const outside: [string, string][] = [];
  const ignore = (name: string, header?: PackHeader) => {
    const link = header?.type === "symlink" ? header.linkname : undefined;
    if (!link || !(path.isAbsolute(link) || link.split("/").includes(".."))) return false;
    outside.push([name, link]);
    return true;
  };
  try {
    await pipeline(tar, tarFs.extract(dir, { ...(map ? { map } : {}), ignore, chown: false }));
    for (const [name, link] of outside) if (!fs.existsSync(name)) fs.symlinkSync(link, name);
  } catch (err) {
    throw new BerthError(`cannot copy ${src} to ${dest}: ${(err as Error).message}`, { cause: err });
  }
}

async function toContainer(engine: Engine, id: string, src: string, dest: string, cwd: string): Promise<void> {
  const source = path.resolve(cwd, src);
  if (!fs.existsSync(source)) throw new BerthError(`cannot copy ${src}: no such file or folder`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tarFs = require("tar-fs") as typeof import("tar-fs");
  const archive = async (name: string) => {
    const chunks: Buffer[] = [];
    const stream = tarFs.pack(path.dirname(source), {
      entries: [path.basename(source)],
      map: (h) => ({ ...h, name: renameRoot(h.name, path.basename(source), name), uid: 0, gid: 0 }),
    });
    for await (const c of stream) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  try {
    // Into an existing folder, under the source's own name; the engine refuses a path that is no folder.
    await engine.putArchive(id, dest, await archive(path.basename(source)));
  } catch (err) {
    const notFolder = isNotFound(err) || /not a directory/i.test((err as Error).message);
    if (!notFolder) throw err;
    const parent = path.posix.dirname(dest.replace(/\/+$/, ""));
    await engine.putArchive(id, parent, await archive(path.posix.basename(dest.replace(/\/+$/, ""))));
  }
}

/** Copies between the host (relative paths from `cwd`) and container `index` (default 1) of a service. */
export async function copyFiles(
  engine: Engine,
  project: string,
  from: CopyEnd,
  to: CopyEnd,
  options: { readonly cwd?: string; readonly index?: number } = {},
): Promise<void> {
  const cwd = options.cwd ?? process.cwd();
  if ((from.service === undefined) === (to.service === undefined))
    throw new BerthError("dsl cp copies between the host and a container: exactly one side must be SERVICE:PATH");
  const service = (from.service ?? to.service) as string;
  // Copying works on a stopped container as well.
  const container = (await serviceContainer(engine, project, service, options.index, { running: false })).id;
  if (from.service !== undefined) await fromContainer(engine, container, from.path, to.path, cwd);
  else await toContainer(engine, container, from.path, to.path, cwd);
}
