/** What the mappers need from the import in progress: the source (for errors at a line) and references by name. */
import type { ConstructKind, Ref } from "./model";
import type { ComposeSource, Path } from "./source";

export interface MapContext {
  readonly source: ComposeSource;
  /** The variable of the construct `name` of `kind`; throws at `path` when the file does not declare it. */
  ref(kind: ConstructKind, name: string, path: Path): Ref;
  /** True when the file declares the construct `name` of `kind`. */
  has(kind: ConstructKind, name: string): boolean;
}
