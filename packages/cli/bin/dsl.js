#!/usr/bin/env node
"use strict";
// Runs the bundled CLI with a V8 code cache (Node 20 has no module.enableCompileCache): compiling
// the bundle is the largest part of `dsl synth`'s start-up, and a cache hit skips most of it.
// Any problem with the cache falls back to a plain compile.
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const Module = require("node:module");
const os = require("node:os");

const file = path.join(__dirname, "..", "dist", "cli.js");
const source = fs.readFileSync(file, "utf8");
const stat = fs.statSync(file);
const dir = process.env.BERTH_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "berth");
const cacheFile = path.join(dir, `cli-${process.version}-${stat.size}-${Math.floor(stat.mtimeMs)}.v8`);
let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
if (cachedData === undefined || script.cachedDataRejected) {
  // After the run, so the cache holds the functions this run compiled too.
  process.once("exit", () => {
    try {
      fs.mkdirSync(dir, { recursive: true });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cacheFile);
    } catch {
      /* a read-only cache folder only costs speed */
    }
  });
}
const mod = new Module(file, module);
mod.filename = file;
mod.paths = Module._nodeModulePaths(path.dirname(file));
script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
