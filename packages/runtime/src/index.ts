export { load, projectNameFromDir, type LoadOptions, type LoadResult } from "./load";
export {
  synth,
  toComposeModel,
  relocate,
  sensitiveFiles,
  sensitiveVariables,
  type EnvFileSyntax,
  type SensitiveFile,
  type SensitiveMode,
  type SynthOptions,
} from "./synth";
export { LoadError, SynthError, BerthError, errorKind, type BerthErrorOptions, type ErrorKind } from "./errors";
export { Labels } from "./labels";
export { Redactor, stackSecrets, maskGraph, MIN_REDACTED_LENGTH, type StackSecretsOptions } from "./redact";
export type * from "./observed";
export { resolveDesired, type DesiredState, type DesiredService, type ResolveOptions } from "./desired/resolve";
export { diffSpecs, SENSITIVE, type FieldChange } from "./desired/spec";
export * from "./plan";
export { observe } from "./observe";
export { createEngine, EngineError, type Engine, type CreateEngineOptions } from "./engine";
export {
  prepare,
  diff,
  apply,
  destroy,
  planDestroy,
  PlanBlockedError,
  PlanChangedError,
  type Prepared,
  type PrepareOptions,
  type ApplyOptions,
  type ApplyOutcome,
  type DestroyOptions,
} from "./deploy";
export { execute, ApplyError, type ProgressEvent as ApplyProgressEvent, type ExecuteOptions } from "./apply/executor";
export { buildImages, ensureImages, ImageError, type BuildImagesOptions, type ImageProgress, type EnsureImagesOptions } from "./apply/images";
export { acquireLock, LockedError } from "./apply/lock";
export { projectContainers, controlServices, serviceLogs, execInService, UnknownServiceError, type Day2Action } from "./day2";
export { runOneOff, type RunOptions, type RunResult } from "./run";
export { Testing, type TestingOptions } from "./testing";
export { importCompose, composeToModel, ImportError, type ImportOptions, type ImportResult, type StackModel } from "./import";
export { dslPackageDir } from "./check/dsl-types";
export { typecheck, formatDiagnostic, findTsconfig, type CheckOptions, type CheckResult, type CheckDiagnostic } from "./check";
export * from "./swarm";
