/**
 * The build context as the docker CLI sends it: a tar of the context folder without what
 * `.dockerignore` excludes (Docker's own pattern rules, `!` exceptions included), always with
 * the Dockerfile and `.dockerignore` themselves, owned by root, in a stable order.
 */
import { promises as fs } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";
import type { Readable } from "node:stream";

export interface ContextOptions {
  /** Dockerfile path relative to the context (default `Dockerfile`): always sent. */
  readonly dockerfile?: string;
}

type Filter = { ignores(path: string): boolean };

/**
 * The context's entries that the build will see: relative POSIX paths, sorted, folders included
 * (a folder is kept when it is not excluded, or when something under it is re-included).
 */
export async function contextEntries(dir: string, options: ContextOptions = {}): Promise<string[]> {
  const dockerfile = dockerfilePath(dir, options.dockerfile);
  const patterns = await readIgnore(dir);
  // As the CLI does: excluding the Dockerfile or .dockerignore does not keep them from the builder.
  const rules = patterns.length ? [...patterns, "!.dockerignore", `!${dockerfile}`] : [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ignore = require("@balena/dockerignore") as typeof import("@balena/dockerignore");
  const filter: Filter = ignore.default({ ignorecase: false }).add(rules);
  const hasExceptions = rules.some((r) => r.trim().startsWith("!"));
  const kept: string[] = [];
  await walk(dir, "", filter, hasExceptions, kept);
  return kept.sort();
}

async function walk(root: string, rel: string, filter: Filter, hasExceptions: boolean, kept: string[]): Promise<boolean> {
  const names = (await fs.readdir(join(root, rel), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let any = false;
  for (const entry of names) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    const excluded = filter.ignores(path);
    if (entry.isDirectory()) {
      // An excluded folder is only worth entering when an exception could re-include something in it.
      if (excluded && !hasExceptions) continue;
      const inner = await walk(root, path, filter, hasExceptions, kept);
      if (!excluded || inner) {
        kept.push(path);
        any = true;
      }
    } else if (!excluded) {
      kept.push(path);
      any = true;
    }
  }
  return any;
}

/** A tar stream of {@link contextEntries}. */
export async function packContext(dir: string, options: ContextOptions = {}): Promise<Readable> {
  const entries = new Set(await contextEntries(dir, options));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tar = require("tar-fs") as typeof import("tar-fs");
  return tar.pack(dir, {
    sort: true,
    ignore: (abs) => !entries.has(relative(dir, abs).split(sep).join("/")),
    map: (header) => ({ ...header, uid: 0, gid: 0, uname: "", gname: "" }),
  });
}

/** The Dockerfile's path relative to the context, POSIX-style; it must lie inside the context. */
export function dockerfilePath(dir: string, dockerfile = "Dockerfile"): string {
  const rel = relative(dir, isAbsolute(dockerfile) ? dockerfile : join(dir, dockerfile));
  if (rel.startsWith("..") || isAbsolute(rel)) {
    throw new Error(`the Dockerfile ${dockerfile} is outside the build context ${dir}`);
  }
  return rel.split(sep).join("/");
}

async function readIgnore(dir: string): Promise<string[]> {
  let text: string;
  try {
    text = await fs.readFile(join(dir, ".dockerignore"), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}
