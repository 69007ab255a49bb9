/**
 * Images before containers: pull what is missing (or always, per pull policy), build what is
 * built. Runs before planning, so that the plan compares real image ids. A stack whose images
 * are all present makes one list call here and nothing else.
 */
import { BerthError, errorKind } from "@berth/dsl";
import { formatLocation } from "@berth/dsl";
import { type DesiredService, type DesiredState, serviceNamed } from "../desired/resolve";
import type { Engine, ProgressEvent } from "../engine/types";
import type { ImageSource } from "../target/types";
import { imageIds } from "./observe";
import { allCredentials, credentialsFor } from "../registry";

export type ImageAction = "pull" | "build" | "push";

export interface ImageProgress {
  readonly service: string;
  readonly image: string;
  readonly action: ImageAction;
  readonly status: "started" | "done";
  readonly event?: ProgressEvent;
}

export interface EnsureImagesOptions {
  /** Build every built service, even when its image exists (`--build`). */
  readonly build?: boolean;
  /** Override every service's pull policy (`--pull always|missing|never`). */
  readonly pull?: "always" | "missing" | "never";
  readonly onProgress?: (p: ImageProgress) => void;
}

/** A pull or build failed, or an image that must not be pulled is missing. Names the service and its source line. */
export class ImageError extends BerthError {
  constructor(message: string, options?: { cause?: unknown; kind?: "user" | "engine" }) {
    super(message, options);
  }
}

function actionFor(svc: DesiredService, present: boolean, opts: EnsureImagesOptions): ImageAction | "missing" | undefined {
  if (svc.build && (opts.build || (!present && svc.pullPolicy !== "never"))) return "build";
  const policy = opts.pull ?? (svc.pullPolicy === "build" ? "missing" : svc.pullPolicy);
  if (policy === "always") return "pull";
  if (present) return undefined;
  return policy === "never" ? "missing" : "pull";
}

/** What would be pulled or built, without doing it (for previews). */
export function imagesToFetch(
  desired: DesiredState,
  present: Readonly<Record<string, string>>,
  opts: EnsureImagesOptions = {},
): { service: DesiredService; action: ImageAction | "missing" }[] {
  const out: { service: DesiredService; action: ImageAction | "missing" }[] = [];
  const seen = new Set<string>();
  // Built services first: a service that only names the image another one builds must not pull it.
  const services = Object.values(desired.services).sort((a, b) => Number(!a.build) - Number(!b.build));
  for (const svc of services) {
    if (svc.replicas === 0 || seen.has(svc.image)) continue;
    const action = actionFor(svc, present[svc.image] !== undefined, opts);
    if (!action) continue;
    seen.add(svc.image);
    out.push({ service: svc, action });
  }
  return out;
}

export async function ensureImages(engine: Engine, desired: DesiredState, opts: EnsureImagesOptions = {}): Promise<number> {
  const refs = [...new Set(Object.values(desired.services).map((s) => s.image))];
  const present = imageIds(refs, await engine.listImages({ references: refs }));
  const todo = imagesToFetch(desired, present, opts);
  for (const { service: svc, action } of todo) {
    if (action === "missing")
      throw new ImageError(`${formatLocation(svc.location)}: service "${svc.name}": image ${svc.image} is not present and pull policy is "never"`);
    await fetchImage(engine, svc, action, opts.onProgress);
  }
  return todo.length;
}

/** One pull or build, reported as started / done; a failure names the service and its line. */
async function fetchImage(
  engine: Engine,
  svc: Pick<DesiredService, "name" | "image" | "build" | "location">,
  action: ImageAction,
  onProgress: ((p: ImageProgress) => void) | undefined,
  build: { noCache?: boolean; pull?: boolean } = {},
): Promise<void> {
  const report = (status: "started" | "done", event?: ProgressEvent) => onProgress?.({ service: svc.name, image: svc.image, action, status, event });
  report("started");
  try {
    if (action === "pull") await engine.pullImage(svc.image, { auth: credentialsFor(svc.image), onProgress: (e) => report("started", e) });
    else {
      const b = svc.build!;
      await engine.buildImage(b.context, {
        dockerfile: b.dockerfile,
        args: b.args,
        target: b.target,
        tags: [svc.image],
        noCache: build.noCache,
        pull: build.pull,
        registryConfig: allCredentials(),
        onProgress: (e) => report("started", e),
      });
    }
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new ImageError(
      `${formatLocation(svc.location)}: service "${svc.name}": ${action === "pull" ? `pulling ${svc.image}` : `building ${svc.image}`} failed: ${msg}`,
      // A registry that refuses a pull (credentials, a missing tag) is the engine's answer: exit 3. A failing build is the stack's.
      { cause: err, kind: action === "pull" && errorKind(err) === "engine" ? "engine" : "user" },
    );
  }
  report("done");
}

/**
 * The images a saved plan's creates need that were missing when it was made: fetched before it
 * runs (pulled, or built from the recorded context), unless they are present by now.
 */
export async function fetchSavedImages(engine: Engine, sources: readonly ImageSource[], onProgress?: (p: ImageProgress) => void): Promise<void> {
  if (!sources.length) return;
  const refs = sources.map((s) => s.image);
  const present = imageIds(refs, await engine.listImages({ references: refs }));
  for (const src of sources) {
    if (present[src.image]) continue;
    const svc = { name: src.service, image: src.image, build: src.build, location: { file: "(saved plan)", line: 0, column: 0 } };
    await fetchImage(engine, svc, src.build ? "build" : "pull", onProgress);
  }
}

/** What a plan records about an image that is not present: how apply gets it. */
export function imageSource(svc: DesiredService): ImageSource | undefined {
  if (svc.build && svc.pullPolicy !== "never") return { service: svc.name, image: svc.image, build: svc.build };
  if (svc.pullPolicy === "never") return undefined;
  return { service: svc.name, image: svc.image, pull: true };
}

export interface BuildImagesOptions {
  /** Only these services (each must have a build). Default: every service that has one. */
  readonly services?: readonly string[];
  /** Build without the engine's layer cache. */
  readonly noCache?: boolean;
  /** Pull a newer version of the base image first. */
  readonly pull?: boolean;
  readonly onProgress?: (p: ImageProgress) => void;
}

/**
 * `dsl build`: build the image of every service that has a build (or of the named ones),
 * whether or not it exists, as `docker compose build` does. Resolves to the services built.
 */
export async function buildImages(engine: Engine, desired: DesiredState, opts: BuildImagesOptions = {}): Promise<string[]> {
  const all = Object.values(desired.services).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const name of opts.services ?? []) {
    const svc = serviceNamed(desired, name);
    if (!svc.build) throw new ImageError(`${formatLocation(svc.location)}: service "${name}" has no build: it runs the image ${svc.image}`);
  }
  const wanted = opts.services?.length ? all.filter((s) => opts.services!.includes(s.name)) : all.filter((s) => s.build);
  const built: string[] = [];
  const images = new Set<string>();
  for (const svc of wanted) {
    if (images.has(svc.image)) continue; // two services of one image: built once
    images.add(svc.image);
    await fetchImage(engine, svc, "build", opts.onProgress, { noCache: opts.noCache, pull: opts.pull });
    built.push(svc.name);
  }
  return built;
}

/**
 * `dsl pull`: pull the image of every service that runs one from a registry (or of the named
 * ones), whether or not it is present, as `docker compose pull --ignore-buildable` does: a
 * service with a build is built, not pulled. Resolves to the services pulled and skipped.
 */
export async function pullImages(
  engine: Engine,
  desired: DesiredState,
  opts: { readonly services?: readonly string[]; readonly onProgress?: (p: ImageProgress) => void } = {},
): Promise<{ pulled: string[]; buildable: string[] }> {
  const names = opts.services?.length ? opts.services : Object.keys(desired.services);
  const wanted = [...new Set(names)].map((n) => serviceNamed(desired, n)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const pulled: string[] = [];
  const images = new Set<string>();
  for (const svc of wanted.filter((s) => !s.build)) {
    if (images.has(svc.image)) continue; // two services of one image: pulled once
    images.add(svc.image);
    await fetchImage(engine, svc, "pull", opts.onProgress);
    pulled.push(svc.name);
  }
  return { pulled, buildable: wanted.filter((s) => s.build).map((s) => s.name) };
}

export interface PushImagesOptions {
  /** Only these services. Default: every service that has a build (the images made here). */
  readonly services?: readonly string[];
  readonly onProgress?: (p: ImageProgress) => void;
}

/**
 * `dsl push`: push the image of every service that has a build (or of the named services) to the
 * registry its name says, with the user's credentials for it. An image that is not there (never
 * built) is an error naming the service; the registry's refusal (a wrong password) is an engine
 * error (exit 3). Resolves to the images pushed.
 */
export async function pushImages(engine: Engine, desired: DesiredState, opts: PushImagesOptions = {}): Promise<string[]> {
  const all = Object.values(desired.services).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const wanted = opts.services?.length ? opts.services.map((n) => serviceNamed(desired, n)) : all.filter((s) => s.build);
  const pushed: string[] = [];
  for (const svc of wanted) {
    if (pushed.includes(svc.image)) continue;
    if (!(await engine.inspectImage(svc.image)))
      throw new ImageError(
        `${formatLocation(svc.location)}: service "${svc.name}": the image ${svc.image} is not on the engine: dsl build (or dsl apply) first`,
      );
    const report = (status: "started" | "done", event?: ProgressEvent) =>
      opts.onProgress?.({ service: svc.name, image: svc.image, action: "push", status, event });
    report("started");
    try {
      await engine.pushImage(svc.image, { auth: credentialsFor(svc.image), onProgress: (e) => report("started", e) });
    } catch (err) {
      throw new BerthError(`${formatLocation(svc.location)}: service "${svc.name}": pushing ${svc.image} failed: ${(err as Error).message}`, {
        cause: err,
        kind: "engine",
      });
    }
    report("done");
    pushed.push(svc.image);
  }
  return pushed;
}
