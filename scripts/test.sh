#!/usr/bin/env bash
# Installs everything the tests need and runs them all: dependencies (pnpm), a private Docker
# Engine (scripts/test-engine.sh: apt-installs docker.io, docker-compose and busybox-static
# when missing), the type check, lint and format checks, and every jest suite, engine suites included.
# Extra arguments go to jest (e.g. `npm test -- packages/dsl`).
# BERTH_SKIP_ENGINE_TESTS=1 skips the engine suites (they say so); nothing is skipped silently.
set -euo pipefail
cd "$(dirname "$0")/.."

npx --yes pnpm@12.4.2 install --frozen-lockfile

if [ "${BERTH_SKIP_ENGINE_TESTS:-}" != "1" ]; then
  # Stop the private engine at the end only when this run started it.
  started_here=1
  { [ -n "${DOCKER_HOST:-}" ] && timeout 5 docker version >/dev/null 2>&1; } && started_here=0
  bash scripts/test-engine.sh status >/dev/null 2>&1 && started_here=0
  eval "$(bash scripts/test-engine.sh start)"
  cleanup=()
  if [ "$started_here" = 1 ]; then cleanup+=("bash scripts/test-engine.sh stop"); fi
  # The Swarm suites get an engine of their own (its own state folder), made a single-node swarm:
  # the shared engine above must never be put into a swarm. Reuse $BERTH_SWARM_DOCKER_HOST when it answers.
  if ! { [ -n "${BERTH_SWARM_DOCKER_HOST:-}" ] && DOCKER_HOST=$BERTH_SWARM_DOCKER_HOST timeout 5 docker version >/dev/null 2>&1; }; then
    swarm_env=(env BERTH_TEST_ENGINE_DIR="$PWD/.test-engine-swarm" BERTH_TEST_ENGINE_PRIVATE=1 BERTH_TEST_ENGINE_SWARM=1)
    "${swarm_env[@]}" bash scripts/test-engine.sh status >/dev/null 2>&1 || cleanup+=("${swarm_env[*]} bash scripts/test-engine.sh stop")
    BERTH_SWARM_DOCKER_HOST=$("${swarm_env[@]}" bash scripts/test-engine.sh start | sed -n 's/^export DOCKER_HOST=//p')
  fi
  export BERTH_SWARM_DOCKER_HOST
  # The crash-safety suite kills applies and restarts its engine: it gets a third engine of its own,
  # so that no other suite ever sees those restarts. Its state folder is exported too (the suite
  # restarts it with scripts/test-engine.sh).
  BERTH_FAULT_ENGINE_DIR=${BERTH_FAULT_ENGINE_DIR:-$PWD/.test-engine-fault}
  fault_env=(env BERTH_TEST_ENGINE_DIR="$BERTH_FAULT_ENGINE_DIR" BERTH_TEST_ENGINE_PRIVATE=1)
  "${fault_env[@]}" bash scripts/test-engine.sh status >/dev/null 2>&1 || cleanup+=("${fault_env[*]} bash scripts/test-engine.sh stop")
  BERTH_FAULT_DOCKER_HOST=$("${fault_env[@]}" bash scripts/test-engine.sh start | sed -n 's/^export DOCKER_HOST=//p')
  export BERTH_FAULT_ENGINE_DIR BERTH_FAULT_DOCKER_HOST
  if [ ${#cleanup[@]} -gt 0 ]; then trap 'for c in "${cleanup[@]}"; do $c >/dev/null 2>&1 || true; done' EXIT; fi
fi

echo "== type check"
node_modules/.bin/tsc -p tsconfig.json --noEmit

echo "== lint (eslint) and format (prettier --check)"
node_modules/.bin/eslint --max-warnings 0 .
node_modules/.bin/prettier --check --log-level warn .

echo "== jest"
results=$(mktemp)
status=0
node_modules/.bin/jest --ci --json --outputFile="$results" "$@" || status=$?
# Jest's own summary is not one line that every CI reader knows; print the plain one.
summary=$(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$results" || echo "jest wrote no results")
rm -f "$results"
echo "$summary"

# A smoke test that the benchmark harness works end to end (N = 5, 2 runs): not a timed
# assertion, but a broken harness fails the run. Without an engine, only its engine-free rows.
echo "== bench smoke (pnpm bench --quick)"
bench_args=(--quick)
if [ "${BERTH_SKIP_ENGINE_TESTS:-}" = "1" ]; then
  echo "BERTH_SKIP_ENGINE_TESTS=1: bench engine rows skipped"
  bench_args+=(--only synth,plan)
fi
npx --yes pnpm@12.4.2 bench "${bench_args[@]}" || { echo "bench smoke failed"; status=1; }
# The test count again, as the last line.
echo "$summary"
exit "$status"
