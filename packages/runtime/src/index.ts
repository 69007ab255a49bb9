export { load, projectNameFromDir, type LoadOptions, type LoadResult } from "./load";
export { stackInputs } from "./load/compile";
export { credentialsFor, registryOf, type RegistryAuth } from "./registry";
export {
  synth,
  toComposeModel,
  checkComposeFile,
  relocate,
  sensitiveFiles,
  sensitiveVariables,
  type EnvFileSyntax,
  type SensitiveFile,
  type SensitiveMode,
  type SynthOptions,
} from "./synth";
export { LoadError, MissingPackageError, SynthError, BerthError, errorKind, type BerthErrorOptions, type ErrorKind } from "./errors";
export { Labels, LockLabels, StackLabels, LABEL_FORMAT } from "./labels";
export { VERSION } from "./version";
export { parseDurationText } from "./internal/units";
export { drawGraph, pictureOf, PICTURE_FORMATS, type PictureFormat, type Picture, type PictureNode, type PictureGroup, type PictureEdge } from "./picture";
export { Redactor, stackSecrets, maskGraph, MIN_REDACTED_LENGTH, type StackSecretsOptions } from "./redact";
export type * from "./compose/observed";
export { resolveDesired, type DesiredState, type DesiredService, type ResolveOptions } from "./desired/resolve";
export { diffSpecs, SENSITIVE, type FieldChange } from "./desired/spec";
export {
  createEngine,
  EngineError,
  type Engine,
  type CreateEngineOptions,
  type Attached,
  type TerminalSize,
  type AttachOptions,
  type PublishedPort,
  type ProcessList,
} from "./engine";
export {
  prepare,
  diff,
  apply,
  destroy,
  plan,
  planDestroy,
  ps,
  getTarget,
  targetOf,
  type Prepared,
  type PrepareOptions,
  type TargetOption,
  type ApplyOptions,
  type DestroyOptions,
  type ServicesOption,
  type ProjectStatus,
} from "./deploy";
export { observe, queryOf } from "./compose/observe";
export { formatPlan, summarize, isEmptyPlan, changeActions, formatChange, type FormatOptions } from "./target/format";
export { describeChange, type ComposePlanOptions } from "./compose/plan";
export type * from "./target/types";
export type { Target, TargetPlanOptions, ResolveContext, ObserveQuery } from "./target/contract";
export { converge, PlanBlockedError, PlanChangedError, type ConvergeOptions, type ConvergeOutcome, type ConvergeInput } from "./target/converge";
export { execute, ApplyError, type ProgressEvent, type ExecuteOptions, type OpHandler, type OpHandlers, type OpContext, type Clock } from "./target/execute";
export { planToJson, planFromJson, needsStack, PlanStaleError, type ApplySavedOptions } from "./target/saved";
export { Hidden, type HiddenRef } from "./target/hidden";
export {
  buildImages,
  pushImages,
  pullImages,
  type PushImagesOptions,
  ensureImages,
  ImageError,
  type BuildImagesOptions,
  type ImageProgress,
  type EnsureImagesOptions,
} from "./compose/images";
export { acquireLock, breakLocks, clearStaleLocks, listLocks, lockPort, LockedError, type LockInfo } from "./target/lock";
export {
  projectContainers,
  controlServices,
  serviceLogs,
  execInService,
  execAttachedInService,
  serviceContainer,
  runningDependents,
  type ControlResult,
  type SelectOptions,
  UnknownServiceError,
  type Day2Action,
  type ExecInServiceOptions,
} from "./day2";
export { withDependencies, onlyServices, observedDependencies, dependentsLeft } from "./select";
export {
  serviceProcesses,
  projectEvents,
  type ProjectEvent,
  publishedPort,
  projectImages,
  listProjects,
  removeStopped,
  type ContainerImage,
  type ProjectSummary,
  type RemoveOptions,
} from "./verbs";
export { copyFiles, parseCopyEnd, type CopyEnd } from "./copy";
export { containerPath, execRule, filesUnder, restartService, syncFiles, triggeredBy, watchTriggers, type SyncResult, type WatchTrigger } from "./develop";
export { runOneOff, type RunOptions, type RunResult } from "./run";
export { Testing, type TestingOptions } from "./testing";
export { importCompose, composeToModel, ImportError, type ImportOptions, type ImportResult, type StackModel } from "./import";
export { dslPackageDir, dslTypes, type DslTypes } from "./check/dsl-types";
export { typecheck, formatDiagnostic, findTsconfig, type CheckOptions, type CheckResult, type CheckDiagnostic } from "./check";
export * from "./swarm";
export { synthChecks, type SynthChecks } from "./synth-checks";
