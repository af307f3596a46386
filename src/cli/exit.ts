import { WardenError } from '../domain/index.js';

/** Exit codes other tools rely on. */
export const EXIT = { ok: 0, finding: 1, usage: 2 } as const;

/**
 * The CLI's one error handler: a message on stderr (no stack) and the exit code. Ingest's
 * modules (the interchange schemas) load here only for a Warden error, not with every command.
 */
export async function reportError(error: unknown, stderr: (s: string) => void): Promise<number> {
  if (error instanceof WardenError) {
    const [{ InputError, formatIssue }, { formatRejections }] = await Promise.all([
      import('../ingest/index.js'),
      import('./rejections.js'),
    ]);
    if (error instanceof InputError) {
      stderr(`warden: [${error.code}] ${error.message}\n`);
      const lines = error.rejections
        ? formatRejections(error.issues, error.rejections)
        : error.issues.map((issue) => `  ${formatIssue(issue)}`);
      for (const line of lines) stderr(`${line}\n`);
      return EXIT.usage;
    }
  }
  if (error instanceof UsageError) {
    stderr(`warden: ${error.message}\n`);
    return EXIT.usage;
  }
  if (error instanceof WardenError) {
    stderr(`warden: [${error.code}] ${error.message}\n`);
    return error.category === 'integrity' || error.category === 'denied'
      ? EXIT.finding
      : EXIT.usage;
  }
  stderr(`warden: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.usage;
}

/** A usage error raised by a command's own checks of its flags. */
export class UsageError extends Error {}
