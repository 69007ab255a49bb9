/** The one error `importCompose` throws for a problem in the compose file: one line, with the file and the line. */
import { BerthError } from "@berth/dsl";
export class ImportError extends BerthError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
