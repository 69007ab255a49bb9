/**
 * Relative paths in a stack (build contexts, bind sources, env files, secret and config
 * files, watch paths) are relative to the stack file's folder. A compose file resolves them against its
 * own folder (or, read from stdin, the current one). `relocate` rewrites them for a compose
 * file written elsewhere, so `dsl synth stack/stack.ts | docker-compose -f - config` and
 * `dsl synth -o out/compose.yml` both point at the same files.
 */
import * as path from "node:path";
import type { Graph, MountSpec, ServiceSpec } from "@berth/dsl";

function isRelative(p: string): boolean {
  return !path.isAbsolute(p) && !p.startsWith("~") && !/^[a-z][a-z0-9+.-]*:\/\//i.test(p) && !/^git@/.test(p);
}

/** `p`, relative to `from`, made relative to `to` (`./x` style); absolute paths, `~` and URLs unchanged. */
export function rebasePath(p: string, from: string, to: string): string {
  if (!isRelative(p)) return p;
  const rel = path.relative(to, path.resolve(from, p)) || ".";
  return rel.startsWith("..") || rel === "." ? rel : `./${rel}`;
}

function mount(m: MountSpec, from: string, to: string): MountSpec {
  return m.type === "bind" ? { ...m, source: rebasePath(m.source, from, to) } : m;
}

function service(s: ServiceSpec, from: string, to: string): ServiceSpec {
  return {
    ...s,
    ...(s.build ? { build: { ...s.build, context: rebasePath(s.build.context, from, to) } } : {}),
    ...(s.envFiles ? { envFiles: s.envFiles.map((f) => rebasePath(f, from, to)) } : {}),
    ...(s.volumes ? { volumes: s.volumes.map((m) => mount(m, from, to)) } : {}),
    ...(s.develop ? { develop: { watch: s.develop.watch.map((r) => ({ ...r, path: rebasePath(r.path, from, to) })) } } : {}),
  };
}

function files<T extends { file?: string }>(map: Readonly<Record<string, T>>, from: string, to: string): Record<string, T> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, v.file ? { ...v, file: rebasePath(v.file, from, to) } : v]));
}

/** The graph with every relative path made relative to `toDir` instead of `fromDir`. Unchanged when they are the same folder. */
export function relocate(graph: Graph, fromDir: string, toDir: string): Graph {
  if (path.resolve(fromDir) === path.resolve(toDir)) return graph;
  return {
    ...graph,
    services: Object.fromEntries(Object.entries(graph.services).map(([k, s]) => [k, service(s, fromDir, toDir)])),
    secrets: files(graph.secrets, fromDir, toDir),
    configs: files(graph.configs, fromDir, toDir),
  };
}
