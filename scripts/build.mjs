// Bundles the CLI ahead of time so that `dsl` starts in one file read instead of resolving
// hundreds of modules. Heavy dependencies stay external and are required lazily by the
// commands that need them (dockerode ~0.1 s, ts-morph ~0.5 s; esbuild ships a native binary).
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { readFileSync } from "node:fs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { version } = JSON.parse(readFileSync(path.join(root, "packages/cli/package.json"), "utf8"));
await build({
  entryPoints: [path.join(root, "packages/cli/src/main.ts")],
  outfile: path.join(root, "packages/cli/dist/cli.js"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: "linked",
  minify: true,
  keepNames: true,
  external: ["dockerode", "esbuild", "ts-morph"],
  alias: {
    "@berth/dsl": path.join(root, "packages/dsl/src/index.ts"),
    "@berth/runtime": path.join(root, "packages/runtime/src/index.ts"),
    "node:child_process": path.join(root, "scripts/lazy-child-process.cjs"),
  },
  define: { BERTH_VERSION: JSON.stringify(version) },
  logLevel: "warning",
});
