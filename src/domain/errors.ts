/**
 * The root of Warden's typed errors. Each context defines its own subclasses in its
 * `errors.ts` with a literal-union `code`; tests assert codes, never messages.
 */
export abstract class WardenError<Code extends string = string> extends Error {
  /** What kind of failure this is, for the CLI's exit codes and the HTTP error handler. */
  abstract readonly category: ErrorCategory;

  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input, an integrity failure, a policy denial, or a fault of the machinery. */
export type ErrorCategory = 'input' | 'integrity' | 'denied' | 'infrastructure';
