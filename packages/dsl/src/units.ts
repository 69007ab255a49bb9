/**
 * The value forms compose accepts, as the DSL reads them: durations (`1m30s`, `500ms`) and byte
 * sizes (`512M`). Exported so that every later stage parses them the same way.
 */
export { parseDuration, formatDuration, parseBytes } from "./internal/units";
