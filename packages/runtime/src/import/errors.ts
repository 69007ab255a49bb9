/** The one error `importCompose` throws for a problem in the compose file: one line, with the file and the line. */
export class ImportError extends Error {
  readonly userError = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ImportError";
  }
}
