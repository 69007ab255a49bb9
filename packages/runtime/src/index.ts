export { load, projectNameFromDir, type LoadOptions, type LoadResult } from "./load";
export { synth, toComposeModel } from "./synth";
export { LoadError, isUserError } from "./errors";
export { Labels } from "./labels";
export type * from "./observed";
export { resolveDesired, type DesiredState, type DesiredService, type ResolveOptions } from "./desired/resolve";
export { diffSpecs, SENSITIVE, type FieldChange } from "./desired/spec";
export * from "./plan";
