// The bundle's `node:child_process`: commander requires it when it loads, for executable
// subcommands that Berth never uses, and loading it (with net and dgram) costs ~3 ms of every
// `dsl` start. This proxy loads the real module on first use. Aliased in scripts/build.mjs.
"use strict";
let real;
module.exports = new Proxy({}, { get: (_target, key) => (real ??= require("child_process"))[key] });
