/**
 * Images through the engine adapter: pulls that fail, builds from a local context that honour
 * `.dockerignore`, and the reference forms observe compares.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { contextEntries, EngineError, familiarImageReference, normalizeImageReference, type LogChunk, type ProgressEvent } from "../src/engine";
import { Labels } from "../src/labels";
import { BUSYBOX, describeEngine, useEngine } from "./helpers/engine";

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "berth-ctx-"));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, ".."), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const SAMPLE = {
  Dockerfile: "FROM scratch\n",
  ".dockerignore": "# comment\nsecret.txt\n*.log\n!keep.log\nnode_modules\ndocs/**/*.md\n!docs/README.md\nDockerfile\n",
  "app.sh": "echo app\n",
  "secret.txt": "s3cret\n",
  "debug.log": "noise\n",
  "keep.log": "kept\n",
  "sub/nested.log": "nested logs are not matched by *.log\n",
  "node_modules/pkg/index.js": "x\n",
  "docs/a/b.md": "hidden\n",
  "docs/README.md": "shown\n",
};

describe("build context", () => {
  it("lists what the builder will see: .dockerignore rules with exceptions, and always the Dockerfile", async () => {
    const dir = tree(SAMPLE);
    dirs.push(dir);
    expect(await contextEntries(dir)).toEqual([
      ".dockerignore",
      "Dockerfile",
      "app.sh",
      "docs",
      "docs/README.md",
      "docs/a",
      "keep.log",
      "sub",
      "sub/nested.log",
    ]);
  });

  it("sends everything when there is no .dockerignore, and refuses a Dockerfile outside the context", async () => {
    const dir = tree({ Dockerfile: "FROM scratch\n", "a/b.txt": "b" });
    dirs.push(dir);
    expect(await contextEntries(dir)).toEqual(["Dockerfile", "a", "a/b.txt"]);
    await expect(contextEntries(dir, { dockerfile: "../Dockerfile" })).rejects.toThrow(/outside the build context/);
  });
});

describe("image references", () => {
  it.each([
    ["nginx", "docker.io/library/nginx:latest"],
    ["nginx:1.27", "docker.io/library/nginx:1.27"],
    ["library/nginx:1.27", "docker.io/library/nginx:1.27"],
    ["docker.io/library/nginx:1.27", "docker.io/library/nginx:1.27"],
    ["berth-test/busybox:1", "docker.io/berth-test/busybox:1"],
    ["localhost:5000/app", "localhost:5000/app:latest"],
    ["127.0.0.1:9/none:1", "127.0.0.1:9/none:1"],
    ["ghcr.io/o/app:2@sha256:abc", "ghcr.io/o/app:2@sha256:abc"],
    ["nginx@sha256:abc", "docker.io/library/nginx@sha256:abc"],
  ])("normalises %s to %s", (ref, want) => {
    expect(normalizeImageReference(ref)).toBe(want);
  });

  it.each([
    ["docker.io/library/nginx:1.27", "nginx:1.27"],
    ["nginx", "nginx:latest"],
    ["docker.io/berth-test/busybox:1", "berth-test/busybox:1"],
    ["ghcr.io/o/app:2", "ghcr.io/o/app:2"],
  ])("shortens %s to the engine's familiar %s", (ref, want) => {
    expect(familiarImageReference(ref)).toBe(want);
  });
});

describeEngine("engine adapter: images", () => {
  const fx = useEngine();

  it("lists and inspects the local base image, and says undefined for a missing one", async () => {
    const { engine } = fx;
    const img = await engine.inspectImage(BUSYBOX);
    expect(img).toMatchObject({ repoTags: expect.arrayContaining([BUSYBOX]), command: ["sh"] });
    expect(img?.id).toMatch(/^sha256:/);
    const listed = await engine.listImages({ references: [BUSYBOX] });
    expect(listed.map((i) => i.id)).toEqual([img?.id]);
    expect(await engine.listImages({ references: ["berth-test/no-such-image:1"] })).toEqual([]);
    expect(await engine.inspectImage("berth-test/no-such-image:1")).toBeUndefined();
  });

  it("fails a pull from an unreachable registry fast, with an error naming the image", async () => {
    const t0 = Date.now();
    const err = await fx.engine.pullImage("127.0.0.1:9/none:1").catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(EngineError.isEngineError(err)).toBe(true);
    expect((err as EngineError).message).toMatch(/^cannot pull image "127\.0\.0\.1:9\/none:1": .*(connection refused|connect)/);
    expect((err as EngineError).operation).toBe("pull image");
  });

  it("builds from a context with .dockerignore, build args and a target, and tags the result", async () => {
    const { engine } = fx;
    const p = fx.project("build");
    const tag = fx.trackImage(`${p}-app:latest`);
    const dir = tree({
      ...SAMPLE,
      Dockerfile: [
        `FROM ${BUSYBOX} AS base`,
        "ARG GREETING=unset",
        "ENV GREETING=$GREETING",
        "COPY . /ctx/",
        "RUN test ! -e /ctx/secret.txt && test ! -e /ctx/debug.log && test -e /ctx/keep.log",
        "FROM base AS final",
        "LABEL stage=final",
        'CMD ["sh", "-c", "echo $GREETING; cd /ctx && find . -type f | sort"]',
        "FROM base AS unused",
        "RUN exit 9",
        "",
      ].join("\n"),
    });
    dirs.push(dir);
    const events: ProgressEvent[] = [];
    const { imageId } = await engine.buildImage(dir, {
      tags: [tag],
      args: { GREETING: "hello" },
      target: "final",
      labels: { [Labels.project]: p },
      onProgress: (e) => events.push(e),
    });
    expect(imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(events.some((e) => e.stream?.includes("Step"))).toBe(true);
    const img = await engine.inspectImage(tag);
    expect(img).toMatchObject({ id: imageId, labels: expect.objectContaining({ stage: "final", [Labels.project]: p }) });

    const id = await engine.createContainer({ name: `${p}-app-1`, Image: tag, Labels: { [Labels.project]: p } });
    await engine.startContainer(id);
    expect(await engine.waitContainer(id)).toEqual({ exitCode: 0 });
    let out = "";
    for await (const c of await engine.containerLogs(id)) out += (c as LogChunk).data.toString();
    // The Dockerfile reached the builder, which (as with the docker CLI) then dropped it from the
    // context because .dockerignore lists it.
    expect(out).toBe(["hello", "./.dockerignore", "./app.sh", "./docs/README.md", "./keep.log", "./sub/nested.log", ""].join("\n"));
  });

  it("fails a build with the builder's own error message", async () => {
    const dir = tree({ Dockerfile: `FROM ${BUSYBOX}\nRUN echo about to fail && exit 3\n` });
    dirs.push(dir);
    const err = await fx.engine.buildImage(dir, { tags: [fx.trackImage(`${fx.project("fail")}-x:latest`)] }).catch((e: unknown) => e);
    expect(EngineError.isEngineError(err)).toBe(true);
    expect((err as EngineError).message).toMatch(/^cannot build image ".*-x:latest": The command '.*exit 3' returned a non-zero code: 3$/);
    expect((err as EngineError).output.join("\n")).toContain("about to fail");
  });

  it("fails a build whose base image is missing without trying forever", async () => {
    const dir = tree({ Dockerfile: "FROM 127.0.0.1:9/none:1\n" });
    dirs.push(dir);
    const err = await fx.engine.buildImage(dir).catch((e: unknown) => e);
    expect((err as EngineError).message).toMatch(/^cannot build image ".*": .*127\.0\.0\.1:9/);
  });
});
