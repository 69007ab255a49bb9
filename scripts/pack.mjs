// Packs the three packages as they are published, into a folder:
//
//   node scripts/pack.mjs <dest>     prints {"dsl": "<dest>/berth-dsl-0.1.0.tgz", "runtime": …, "cli": …}
//
// With pnpm (pnpm@12.4.2, through npx), because only pnpm turns `workspace:*` into the exact
// version (npm would ship the protocol, which no registry resolves); each package's `prepack`
// builds it first (scripts/build.mjs), in dependency order. The install test
// (packages/cli/test/e2e/install.e2e.test.ts) and the install rows of `pnpm bench` use this.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const PACKAGES = ["dsl", "runtime", "cli"];

/** Packs each package into `dest`; returns the tarball paths by package. */
export function packAll(dest) {
  mkdirSync(dest, { recursive: true });
  const out = {};
  for (const name of PACKAGES) {
    const dir = path.join(root, "packages", name);
    const { name: full, version } = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
    execFileSync("npx", ["--yes", "pnpm@12.4.2", "pack", "--pack-destination", dest], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
    out[name] = path.join(dest, `${full.replace(/^@/, "").replace("/", "-")}-${version}.tgz`);
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.length !== 3) {
    process.stderr.write("usage: node scripts/pack.mjs <dest>\n");
    process.exit(1);
  }
  process.stdout.write(`${JSON.stringify(packAll(path.resolve(process.argv[2])))}\n`);
}
