/** The part of tar-fs 2.x that the build context uses (the package ships no types). */
declare module "tar-fs" {
  import type { Readable } from "node:stream";

  interface PackHeader {
    name: string;
    mode?: number;
    mtime?: Date;
    size?: number;
    type?: string;
    uid?: number;
    gid?: number;
    uname?: string;
    gname?: string;
    linkname?: string;
  }

  interface PackOptions {
    /** Called with each absolute path (below the root); true leaves it (and, for a folder, all it holds) out. */
    ignore?: (name: string) => boolean;
    /** Rewrites each header before it is written. */
    map?: (header: PackHeader) => PackHeader;
    /** Sort folder entries, for a deterministic archive. */
    sort?: boolean;
    dereference?: boolean;
  }

  export function pack(cwd: string, options?: PackOptions): Readable;
}

/** The part of tar-stream 2.x that writes the files Berth puts into a container (the package ships no types). */
declare module "tar-stream" {
  import type { Readable } from "node:stream";

  interface Pack extends Readable {
    entry(header: { name: string; mode?: number; uid?: number; gid?: number; mtime?: Date }, content: string | Buffer): void;
    finalize(): void;
  }

  export function pack(): Pack;
}
