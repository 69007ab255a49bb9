/**
 * Optional peer dependencies: heavy packages that only a few operations need (TypeScript for
 * `typecheck`, ts-morph for `importCompose`), so that a default install leaves them out.
 * They are looked up in the user's project first (their own TypeScript is the one their `tsc`
 * and editor use), then beside the runtime; a missing one is a one-line error saying what to
 * install, never a stack trace.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { MissingPackageError } from "../errors";

/** Where an optional package was found, without loading it (its version is a cache key). */
export interface FoundPackage {
  readonly name: string;
  /** The package's folder. */
  readonly dir: string;
  readonly version: string;
  /** Its entry point (`main`), what `loadPackage` requires. */
  readonly entry: string;
}

/** The folders a package is resolved from, in order: the caller's, then the runtime's own. */
function searchPaths(from: readonly string[]): string[] {
  return [...from, __dirname];
}

/** Finds `name` (its package.json) from the first folder that resolves it; undefined when none does. */
export function findPackage(name: string, from: readonly string[]): FoundPackage | undefined {
  for (const dir of searchPaths(from)) {
    let manifest: string;
    try {
      manifest = require.resolve(`${name}/package.json`, { paths: [dir] });
    } catch {
      continue;
    }
    const { version, main } = JSON.parse(fs.readFileSync(manifest, "utf8")) as { version?: string; main?: string };
    return { name, dir: path.dirname(manifest), version: version ?? "?", entry: path.resolve(path.dirname(manifest), main ?? "index.js") };
  }
  return undefined;
}

/** Loads a package found by `findPackage`. */
export function loadPackage<T>(found: FoundPackage): T {
  // A computed path: bundlers leave it alone, and the package loads from where it was found.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(found.entry) as T;
}

/** `findPackage` then `loadPackage`, or a MissingPackageError naming `purpose` (e.g. "importing a compose file"). */
export function requirePackage<T>(name: string, range: string, purpose: string, from: readonly string[]): T {
  const found = findPackage(name, from);
  if (!found) throw new MissingPackageError(name, purpose, range);
  return loadPackage<T>(found);
}
