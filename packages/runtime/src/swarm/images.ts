/**
 * Images of a Swarm stack. A service's tasks only restart when its spec changes, and a rebuilt
 * image under the same tag is no change to Swarm. So a built service runs its image under a
 * content tag, `<repository>:berth-<image id, 12 hex>`: the spec changes exactly when the build
 * output does (an unchanged build hits the cache and gives the same id, so the same tag).
 *
 * Single node: the local image is enough. A multi-node swarm needs the tag in a registry every
 * node can pull from: an image named after one (`registry.example.com/app:…`) is pushed there
 * with the user's credentials, and the services are created with them (`--with-registry-auth`).
 */
import { BerthError, formatLocation } from "@berth/dsl";
import type { DesiredState } from "../desired/resolve";
import { ImageError, type ImageProgress } from "../compose/images";
import type { Engine } from "../engine/types";
import { allCredentials, credentialsFor, namesRegistry } from "../registry";

/** `repo[:tag]` → `repo` (a `:` after the last `/` starts the tag; a digest is dropped). */
export function repository(reference: string): string {
  const noDigest = reference.split("@")[0];
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** `sha256:0123…` → `berth-0123456789ab`. */
export function contentTag(imageId: string): string {
  return `berth-${imageId.replace(/^sha256:/, "").slice(0, 12)}`;
}

export interface SwarmImageOptions {
  /** Build built services (apply); without it, an existing local image stands in (diff). */
  readonly build: boolean;
  readonly onProgress?: (p: ImageProgress) => void;
}

/** Image reference per built service: its content tag (made here when building). */
export async function swarmImages(engine: Engine, desired: DesiredState, opts: SwarmImageOptions): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const svc of Object.values(desired.services)) {
    if (!svc.build || svc.replicas === 0) continue;
    const repo = repository(svc.image);
    if (!opts.build) {
      const present = await engine.inspectImage(svc.image);
      if (present) out[svc.name] = `${repo}:${contentTag(present.id)}`;
      continue;
    }
    const report = (status: "started" | "done") => opts.onProgress?.({ service: svc.name, image: svc.image, action: "build", status });
    report("started");
    try {
      const b = svc.build;
      const { imageId } = await engine.buildImage(b.context, {
        dockerfile: b.dockerfile,
        args: b.args,
        target: b.target,
        tags: [svc.image],
        registryConfig: allCredentials(),
      });
      const tag = contentTag(imageId);
      await engine.tagImage(imageId, repo, tag);
      out[svc.name] = `${repo}:${tag}`;
    } catch (err) {
      throw new ImageError(`${formatLocation(svc.location)}: service "${svc.name}": building ${svc.image} failed: ${(err as Error).message}`, { cause: err });
    }
    report("done");
    // An image named after a registry (`registry.example.com/app`) goes there, so that every node can pull it.
    if (namesRegistry(svc.image)) {
      const ref = out[svc.name];
      opts.onProgress?.({ service: svc.name, image: ref, action: "push", status: "started" });
      try {
        await engine.pushImage(ref, { auth: credentialsFor(ref) });
      } catch (err) {
        throw new BerthError(`${formatLocation(svc.location)}: service "${svc.name}": pushing ${ref} failed: ${(err as Error).message}`, {
          cause: err,
          kind: "engine",
        });
      }
      opts.onProgress?.({ service: svc.name, image: ref, action: "push", status: "done" });
    }
  }
  return out;
}
