/**
 * End-to-end tests against a real Docker Engine: the private one `scripts/test-engine.sh start`
 * runs (its `DOCKER_HOST`), never skipped silently.
 *
 * - No engine answering fails the suite with the command to run, unless
 *   `BERTH_SKIP_ENGINE_TESTS=1`, which skips it and says so loudly.
 * - Each test file gets fresh project names (`useEngine().project("web")`), and afterAll removes
 *   every container, network, volume and image it made: all that carries the project label or
 *   {@link TEST_LABEL}, plus the images it tagged.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createEngine, type Engine, type LabelFilter } from "../../src/engine";
import { Labels } from "../../src/labels";

/** Label for objects a test makes outside any project (foreign containers, clashing networks). */
export const TEST_LABEL = "dev.berth.test";
/** The base image `scripts/test-engine.sh start` imports from busybox-static. */
export const BUSYBOX = "berth-test/busybox:1";

export const ENGINE_TESTS_SKIPPED = process.env.BERTH_SKIP_ENGINE_TESTS === "1";

if (ENGINE_TESTS_SKIPPED) {
  // Loud on purpose: a green run without these tests says nothing about the engine side.
  process.stderr.write("\n*** BERTH_SKIP_ENGINE_TESTS=1: SKIPPING the Docker engine tests (nothing against a real engine was run) ***\n\n");
}

/** `describe` for engine tests: `describe.skip` only when BERTH_SKIP_ENGINE_TESTS=1. */
export const describeEngine: jest.Describe = ENGINE_TESTS_SKIPPED ? describe.skip : describe;

export interface EngineFixture {
  /** The engine under test (set in beforeAll). */
  readonly engine: Engine;
  /** A project name unique to this run: `bt-<prefix>-<random>`. Cleaned up in afterAll. */
  project(prefix: string): string;
  /** Remember an image tag to remove in afterAll. */
  trackImage(tag: string): string;
  /** Runs a command with DOCKER_HOST pointing at the engine under test. */
  run(file: string, args: readonly string[], options?: { cwd?: string }): Promise<{ stdout: string; stderr: string }>;
}

/** Registers beforeAll (engine must answer) and afterAll (cleanup) in the calling describe block. */
export function useEngine(): EngineFixture {
  let engine: Engine | undefined;
  const projects: string[] = [];
  const images: string[] = [];

  beforeAll(async () => {
    engine = createEngine();
    try {
      await engine.version();
    } catch (err) {
      throw new Error(
        `no Docker engine answers at ${engine.endpoint} (DOCKER_HOST=${process.env.DOCKER_HOST ?? "<unset>"}).\n` +
          `Start the private test engine first:  eval "$(bash scripts/test-engine.sh start)"\n` +
          `or skip these tests explicitly with BERTH_SKIP_ENGINE_TESTS=1.\n${(err as Error).message}`,
        { cause: err },
      );
    }
  }, 30_000);

  afterAll(async () => {
    if (!engine) return;
    for (const p of projects) await cleanupProject(engine, p);
    for (const tag of images)
      await engine
        .inspectImage(tag)
        .then((i) => i && removeImage(tag))
        .catch(() => undefined);
  }, 120_000);

  return {
    get engine(): Engine {
      if (!engine) throw new Error("the engine is set in beforeAll: use it inside a test");
      return engine;
    },
    project(prefix: string): string {
      const name = `bt-${prefix}-${randomBytes(3).toString("hex")}`.toLowerCase();
      projects.push(name);
      return name;
    },
    trackImage(tag: string): string {
      images.push(tag);
      return tag;
    },
    run,
  };
}

/** Removes every container, network and volume labelled with the project (or TEST_LABEL=project). */
export async function cleanupProject(engine: Engine, project: string): Promise<void> {
  const byLabel: LabelFilter[] = [{ [Labels.project]: project }, { [TEST_LABEL]: project }];
  for (const labels of byLabel) {
    for (const c of await engine.listContainers({ all: true, labels }))
      await engine.removeContainer(c.id, { force: true, volumes: true }).catch(() => undefined);
  }
  for (const labels of byLabel) {
    for (const n of await engine.listNetworks({ labels })) await engine.removeNetwork(n.id).catch(() => undefined);
    for (const v of await engine.listVolumes({ labels })) await engine.removeVolume(v.name, true).catch(() => undefined);
  }
}

function removeImage(tag: string): Promise<unknown> {
  return run("docker", ["image", "rm", "--force", tag]);
}

function run(file: string, args: readonly string[], options: { cwd?: string } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { cwd: options.cwd, env: process.env, timeout: 120_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(new Error(`${file} ${args.join(" ")} failed: ${err.message}\n${stderr}`), { cause: err, stdout, stderr }));
      else resolve({ stdout, stderr });
    });
  });
}
