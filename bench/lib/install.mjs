/**
 * Install footprint: the time and the size on disk of a clean `npm install --save-dev` of the
 * packed CLI into an empty project, as a user's CI installs it. The CLI depends on @berth/dsl at
 * its exact version, which no registry has yet, so its tarball is installed beside it (as
 * `npm install --save-dev @berth/cli @berth/dsl` will).
 *
 * The packages are packed as published (scripts/pack.mjs). npm gets a cache of its own, empty
 * at the start: the first install downloads the dependencies from the registry (one sample,
 * network-bound), every later one runs `--offline` from that cache (the timed samples). Each
 * sample is a fresh project; its size is the disk usage of node_modules (blocks, as `du`), and
 * one sample's node_modules is broken down by the package that brought each dependency in.
 * Anchor: `typescript` installed the same way, the devDependency every TypeScript repo has.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { measure } from "./measure.mjs";

/**
 * The installs measured: what the user types; the same without dependencies' install scripts
 * (npm runs them: node-gyp builds ssh2's optional crypto binding and cpu-features when a C
 * compiler is there, which Berth never needs); and what `dsl import` (ts-morph) would add.
 */
export const INSTALLS = [
  { key: "berth", row: "install @berth/cli + @berth/dsl", specs: (t) => [t.cli, t.dsl], breakdown: true },
  { key: "berth.noscripts", row: "install @berth/cli + @berth/dsl --ignore-scripts", specs: (t) => ["--ignore-scripts", t.cli, t.dsl] },
  { key: "berth.tsmorph", row: "install @berth/cli + @berth/dsl + ts-morph (dsl import)", specs: (t) => [t.cli, t.dsl, "ts-morph@28.0.0"], breakdown: true },
  { key: "typescript", row: "install typescript", specs: () => ["typescript@5.9.3"] },
];

/** Disk usage of a folder in bytes (allocated blocks, hard links once); `skip` leaves out nested folders. */
export function diskUsage(dir, skip = () => false, seen = new Set()) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    const st = lstatSync(p);
    if (seen.has(st.ino)) continue;
    seen.add(st.ino);
    total += st.blocks * 512;
    if (e.isDirectory() && !skip(p)) total += diskUsage(p, skip, seen);
  }
  return total;
}

/**
 * node_modules grouped by who brought each package: the project's own dependencies, and for
 * @berth/cli each of its dependencies with everything below it (npm's hidden lockfile,
 * node_modules/.package-lock.json, names each package's dependencies; resolved as node does).
 */
export function breakdown(project) {
  const lock = JSON.parse(readFileSync(path.join(project, "node_modules/.package-lock.json"), "utf8")).packages;
  // One set of inodes for all: esbuild's postinstall hard-links its binary, counted once as in `du`.
  const seen = new Set();
  const own = (p) => diskUsage(path.join(project, p), (sub) => path.basename(sub) === "node_modules", seen);
  const resolve = (from, name) => {
    for (let p = from; ; p = p.includes("/node_modules/") ? p.slice(0, p.lastIndexOf("/node_modules/")) : "") {
      const candidate = `${p ? `${p}/` : ""}node_modules/${name}`;
      if (lock[candidate]) return candidate;
      if (!p) return undefined;
    }
  };
  const groups = {};
  const counted = new Set();
  const walk = (group, p) => {
    if (!p || counted.has(p)) return;
    counted.add(p);
    groups[group] = (groups[group] ?? 0) + own(p);
    const deps = { ...lock[p].dependencies, ...lock[p].optionalDependencies };
    for (const name of Object.keys(deps)) walk(group, resolve(p, name));
  };
  const manifest = JSON.parse(readFileSync(path.join(project, "package.json"), "utf8"));
  const rootDeps = Object.keys({ ...manifest.devDependencies, ...manifest.dependencies });
  const fromRoot = Object.keys(lock).filter((p) => rootDeps.some((d) => p === `node_modules/${d}`));
  for (const p of fromRoot.filter((p) => p === "node_modules/@berth/cli")) {
    counted.add(p);
    groups["@berth/cli itself (bundle, source map, bin)"] = own(p);
    for (const name of Object.keys(lock[p].dependencies ?? {})) walk(name, resolve(p, name));
  }
  for (const p of fromRoot) walk(p.slice("node_modules/".length), p);
  const rest = Object.keys(lock).filter((p) => p && !counted.has(p));
  if (rest.length) groups["other (not reached from the project's dependencies)"] = rest.reduce((n, p) => n + own(p), 0);
  const largest = Object.keys(lock)
    .filter(Boolean)
    .map((p) => ({
      package: p.slice(p.lastIndexOf("node_modules/") + "node_modules/".length),
      bytes: diskUsage(path.join(project, p), (sub) => path.basename(sub) === "node_modules"),
    }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 10);
  return { groups, largest, packages: Object.keys(lock).filter(Boolean).length };
}

/** One clean install into a fresh project; its time (measure) and node_modules' disk usage. */
async function installOnce(work, cache, specs, offline, label) {
  const project = path.join(work, `install-${label}`);
  rmSync(project, { recursive: true, force: true });
  mkdirSync(project, { recursive: true });
  writeFileSync(path.join(project, "package.json"), `${JSON.stringify({ name: "bench-install", version: "1.0.0", private: true })}\n`);
  const args = ["install", "--save-dev", "--no-audit", "--no-fund", "--cache", cache, ...(offline ? ["--offline"] : []), ...specs];
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  const m = await measure("npm", args, { cwd: project, env });
  return { ms: m.ms, bytes: diskUsage(path.join(project, "node_modules")), project };
}

/** Packs, then measures each install: one online sample, `runs` offline ones. */
export async function installRows(tarballs, work, runs, log) {
  const cache = path.join(work, "npm-cache");
  const out = {};
  for (const inst of INSTALLS) {
    log(`install rows: ${inst.row}`);
    const specs = inst.specs(tarballs);
    const first = await installOnce(work, cache, specs, false, `${inst.key}-first`);
    const result = { row: inst.row, firstMs: first.ms, ms: [], bytes: [first.bytes] };
    if (inst.breakdown) result.breakdown = breakdown(first.project);
    rmSync(first.project, { recursive: true, force: true });
    for (let r = 0; r < runs; r++) {
      const s = await installOnce(work, cache, specs, true, `${inst.key}-${r}`);
      result.ms.push(s.ms);
      result.bytes.push(s.bytes);
      rmSync(s.project, { recursive: true, force: true });
    }
    out[inst.key] = result;
  }
  return out;
}

const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;

/** What makes up each install's size, after the table. */
export function printBreakdown(install, out) {
  for (const r of Object.values(install)) {
    if (!r.breakdown) continue;
    const { groups, largest, packages } = r.breakdown;
    const total = Object.values(groups).reduce((a, b) => a + b, 0);
    out.write(`\n${r.row}: ${mb(total)} in ${packages} packages, by the dependency that brings them:\n`);
    for (const [name, bytes] of Object.entries(groups).sort((a, b) => b[1] - a[1])) out.write(`  ${name.padEnd(50)} ${mb(bytes).padStart(9)}\n`);
    out.write(`  largest packages: ${largest.map((l) => `${l.package} ${mb(l.bytes)}`).join(", ")}\n`);
  }
}
