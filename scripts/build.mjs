// Builds what the packages ship.
//
//   node scripts/build.mjs                  the CLI bundle (what `dsl` and the tests run)
//   node scripts/build.mjs dsl runtime cli  each named package as it is published
//
// dsl and runtime: TypeScript → CommonJS plus `.d.ts` with the doc comments kept (hover docs in
// the user's editor), by tsc with each package's tsconfig.build.json, into a fresh dist/.
// cli: bundled ahead of time so that `dsl` starts in one file read instead of resolving
// hundreds of modules; dsl and runtime are inlined from their sources. Heavy dependencies stay
// external and are required lazily by the commands that need them (dockerode ~0.1 s, ts-morph
// ~0.5 s, typescript; esbuild ships a native binary).
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const PACKAGES = ["dsl", "runtime", "cli"];

async function bundleCli() {
  const { version } = JSON.parse(readFileSync(path.join(root, "packages/cli/package.json"), "utf8"));
  const result = await build({
    entryPoints: [path.join(root, "packages/cli/src/main.ts")],
    outfile: path.join(root, "packages/cli/dist/cli.js"),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    // Mappings only (BERTH_DEBUG=1 traces name our source lines); the sources are not shipped.
    sourcemap: "linked",
    sourcesContent: false,
    minify: true,
    keepNames: true,
    external: ["dockerode", "esbuild", "ts-morph", "typescript"],
    alias: {
      "@berth/dsl": path.join(root, "packages/dsl/src/index.ts"),
      "@berth/runtime": path.join(root, "packages/runtime/src/index.ts"),
      "node:child_process": path.join(root, "scripts/lazy-child-process.cjs"),
    },
    define: { BERTH_VERSION: JSON.stringify(version) },
    logLevel: "warning",
    write: false,
  });
  // Each file whole or not at all: tests may be running the bundle while `pnpm pack` rebuilds it.
  for (const file of result.outputFiles) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    mkdirSync(path.dirname(file.path), { recursive: true });
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
}

/** tsc -p packages/<name>/tsconfig.build.json into an emptied dist/ (a renamed source leaves no stale file). */
function compile(name) {
  const dir = path.join(root, "packages", name);
  rmSync(path.join(dir, "dist"), { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve("typescript/lib/tsc.js");
  try {
    execFileSync(process.execPath, [tsc, "-p", path.join(dir, "tsconfig.build.json")], { cwd: dir, stdio: "inherit" });
  } catch {
    throw new Error(`tsc failed for packages/${name} (its errors are above)`);
  }
  // Generated CommonJS (the compose-spec validator) is required as is: tsc emits only what it compiles.
  for (const file of readdirSync(path.join(dir, "src"), { recursive: true })) {
    if (!String(file).endsWith(".generated.js")) continue;
    mkdirSync(path.dirname(path.join(dir, "dist", String(file))), { recursive: true });
    copyFileSync(path.join(dir, "src", String(file)), path.join(dir, "dist", String(file)));
  }
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !PACKAGES.includes(w));
if (unknown.length) {
  process.stderr.write(`build: unknown package ${unknown.join(", ")} (packages: ${PACKAGES.join(", ")})\n`);
  process.exit(1);
}
try {
  // In dependency order: runtime's declarations import dsl's.
  for (const name of PACKAGES.filter((p) => wanted.includes(p))) if (name !== "cli") compile(name);
  if (wanted.length === 0 || wanted.includes("cli")) await bundleCli();
} catch (err) {
  process.stderr.write(`build: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
