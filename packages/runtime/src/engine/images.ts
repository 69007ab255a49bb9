/** Image operations of the Docker engine adapter: list, inspect, pull, build. */
import type Dockerode from "dockerode";
import { packContext } from "./build-context";
import type { Client } from "./client";
import { cmp, toImageDetails, toImageSummary } from "./convert";
import { EngineError, wrapEngineError } from "./errors";
import { ProgressError, readProgress } from "./streams";
import type { BuildOptions, BuildResult, ImageDetails, ImageSummary, PullOptions, PushOptions } from "./types";

export async function inspectImage(client: Client, reference: string): Promise<ImageDetails | undefined> {
  // The reference goes into the path as it is (`/images/library/nginx:1/json`), as the docker CLI sends it.
  const info = await client.request<Dockerode.ImageInspectInfo>("inspect image", reference, { method: "GET", path: `/images/${reference}/json`, ok: [404] });
  return info && toImageDetails(info);
}

export async function listImages(client: Client, options: { readonly references?: readonly string[] } = {}): Promise<ImageSummary[]> {
  const filters: Record<string, string[]> = options.references?.length ? { reference: [...options.references] } : {};
  const rows = await client.get<Parameters<typeof toImageSummary>[0][]>("list images", "/images/json", { filters });
  return rows.map(toImageSummary).sort((a, b) => cmp(a.id, b.id));
}

export async function pullImage(client: Client, reference: string, options: PullOptions = {}): Promise<void> {
  const opts = {
    ...(options.auth ? { authconfig: { ...options.auth } } : {}),
    ...(options.platform ? { platform: options.platform } : {}),
  };
  const stream = await client.must("pull image", reference, (d) => d.pull(reference, opts) as Promise<NodeJS.ReadableStream>);
  try {
    await readProgress(stream, options.onProgress);
  } catch (err) {
    throw progressFailure(err, "pull image", reference, client.endpoint);
  }
}

export async function pushImage(client: Client, reference: string, options: PushOptions = {}): Promise<void> {
  // The engine wants the tag apart (`/images/<name>/push?tag=<tag>`), and an auth header even when empty.
  const at = reference.lastIndexOf(":");
  const tagged = at > reference.lastIndexOf("/");
  const name = tagged ? reference.slice(0, at) : reference;
  const tag = tagged ? reference.slice(at + 1) : "latest";
  const stream = await client.must(
    "push image",
    reference,
    (d) => d.getImage(name).push({ tag, authconfig: { ...(options.auth ?? {}) } }) as unknown as Promise<NodeJS.ReadableStream>,
  );
  try {
    await readProgress(stream, options.onProgress);
  } catch (err) {
    throw progressFailure(err, "push image", reference, client.endpoint);
  }
}

export async function buildImage(client: Client, contextDir: string, options: BuildOptions = {}): Promise<BuildResult> {
  const object = options.tags?.[0] ?? contextDir;
  let tar;
  try {
    tar = await packContext(contextDir, { dockerfile: options.dockerfile });
  } catch (err) {
    throw new EngineError(`cannot build image "${object}": cannot read the build context ${contextDir}: ${(err as Error).message}`, {
      cause: err,
      operation: "build image",
      object,
    });
  }
  const query = {
    ...(options.tags?.length ? { t: [...options.tags] } : {}),
    ...(options.dockerfile ? { dockerfile: options.dockerfile.split("\\").join("/") } : {}),
    ...(options.args ? { buildargs: { ...options.args } } : {}),
    ...(options.target ? { target: options.target } : {}),
    ...(options.labels ? { labels: { ...options.labels } } : {}),
    ...(options.pull ? { pull: "1" } : {}),
    ...(options.noCache ? { nocache: true } : {}),
    ...(options.registryConfig && Object.keys(options.registryConfig).length ? { registryconfig: { ...options.registryConfig } } : {}),
    rm: true,
    forcerm: true,
  };
  const stream = await client.must("build image", object, (d) => d.buildImage(tar, query as Dockerode.ImageBuildOptions));
  let result: { auxIds: string[]; lastLines: string[] };
  try {
    result = await readProgress(stream, options.onProgress);
  } catch (err) {
    throw progressFailure(err, "build image", object, client.endpoint);
  }
  const imageId = result.auxIds[result.auxIds.length - 1] ?? (await builtIdFromOutput(client, result.lastLines, object));
  return { imageId };
}

/** Without an `aux` event (old engines), the id is in `Successfully built 0123456789ab`. */
async function builtIdFromOutput(client: Client, lines: readonly string[], object: string): Promise<string> {
  const short = lines
    .map((l) => /^Successfully built ([0-9a-f]+)/.exec(l.trim())?.[1])
    .filter(Boolean)
    .pop();
  const details = short ? await inspectImage(client, short) : undefined;
  if (!details) throw new EngineError(`cannot build image "${object}": the engine did not say which image it built`, { operation: "build image", object });
  return details.id;
}

function progressFailure(err: unknown, operation: string, object: string, endpoint: string): EngineError {
  if (err instanceof ProgressError) {
    const output = (err as ProgressError & { lastLines?: string[] }).lastLines ?? [];
    return new EngineError(`cannot ${operation} "${object}": ${err.message}`, { cause: err, operation, object, output });
  }
  return wrapEngineError(err, operation, object, endpoint);
}
