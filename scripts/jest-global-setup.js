// Tests run the real `dsl` binary: build its bundle from the current sources first.
const { execFileSync } = require("node:child_process");
const path = require("node:path");

module.exports = async () => {
  execFileSync(process.execPath, [path.join(__dirname, "build.mjs")], { stdio: "inherit" });
};
