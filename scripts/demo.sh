#!/usr/bin/env bash
# The main job, start to finish on a fresh machine: install, synthesize, preview, apply to a
# Docker Engine, ask the app for a page on 127.0.0.1, apply again (no changes), destroy.
#
# Engine: $DOCKER_HOST when it answers; otherwise a private engine started for the demo
# (scripts/test-engine.sh: apt-installs docker.io when missing, never touches your own engine)
# and stopped at the end. The example's images are built locally from busybox-static, so
# nothing is pulled.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "install"
npx --yes pnpm@12.4.2 install --frozen-lockfile
# Stop the private engine at the end only when this run started it.
started_here=1
{ [ -n "${DOCKER_HOST:-}" ] && DOCKER_HOST=$DOCKER_HOST timeout 5 docker version >/dev/null 2>&1; } && started_here=0
bash scripts/test-engine.sh status >/dev/null 2>&1 && started_here=0
eval "$(bash scripts/test-engine.sh start)"
[ "$started_here" = 1 ] && trap 'bash scripts/test-engine.sh stop >/dev/null 2>&1 || true' EXIT
cp "$(command -v busybox)" examples/hello/app/busybox

dsl() { node packages/cli/bin/dsl.js "$@"; }
stack=examples/hello/stack.ts

say "dsl synth $stack   (docker-compose YAML)"
dsl synth "$stack"

say "dsl diff $stack   (what apply would do)"
dsl diff "$stack"

say "dsl apply --yes $stack"
dsl apply --yes "$stack"

say "GET http://127.0.0.1:8088/"
node -e '
  require("http").get("http://127.0.0.1:8088/", (res) => {
    let body = ""; res.on("data", (d) => (body += d));
    res.on("end", () => { console.log(`HTTP ${res.statusCode}`); console.log(body.trim()); process.exit(res.statusCode === 200 ? 0 : 1); });
  }).on("error", (e) => { console.error(e.message); process.exit(1); });'

say "dsl ps"
dsl -f "$stack" ps

say "dsl apply --yes $stack   (again: nothing to do)"
dsl apply --yes "$stack"

say "dsl destroy --yes --volumes $stack"
dsl destroy --yes --volumes "$stack"
