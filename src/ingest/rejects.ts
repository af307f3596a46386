import { createWriteStream, rmSync, type WriteStream } from 'node:fs';
import type { InputIssue } from './errors.js';
import { MAX_LINE_BYTES } from './line-reader.js';

/**
 * The rejects file of an import with `--skip-invalid`: one JSON line per refused input line,
 * with its line number, code, field and message, and the line itself when it is text, so
 * that it can be mended and imported again. Opened lazily: no rejects, no file.
 */
export class RejectsWriter {
  private stream: WriteStream | undefined;

  constructor(readonly path: string) {}

  write(issue: InputIssue, text: string | undefined): void {
    this.stream ??= createWriteStream(this.path, { flags: 'w', mode: 0o600 });
    const { file: _file, ...rest } = issue;
    const entry =
      text !== undefined && text.length <= MAX_LINE_BYTES ? { ...rest, record: text } : rest;
    this.stream.write(`${JSON.stringify(entry)}\n`);
  }

  async close(): Promise<void> {
    const stream = this.stream;
    if (!stream) return;
    await new Promise<void>((resolve, reject) => {
      stream.once('error', reject);
      stream.end(resolve);
    });
  }

  async discard(): Promise<void> {
    await this.close();
    if (this.stream) rmSync(this.path, { force: true });
  }
}
