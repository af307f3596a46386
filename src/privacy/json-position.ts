/**
 * The line (1-based) where the value at `path` starts in a JSON text, for messages that name
 * a file's line and field; `undefined` when the path is not there or the text is not JSON.
 * A small scanner over well-formed JSON (the caller has parsed it already); nesting past 64
 * levels gives up rather than recurse.
 */
export function lineOfPath(text: string, path: readonly (string | number)[]): number | undefined {
  const scanner = new Scanner(text, path);
  try {
    scanner.value([], 0);
  } catch {
    return scanner.found;
  }
  return scanner.found;
}

class Scanner {
  at = 0;
  line = 1;
  found: number | undefined;

  constructor(
    private readonly text: string,
    private readonly target: readonly (string | number)[],
  ) {}

  value(path: (string | number)[], depth: number): void {
    this.space();
    if (this.found === undefined && samePath(path, this.target)) this.found = this.line;
    if (depth > 64) throw new Error('too deep');
    const c = this.text[this.at];
    if (c === '{') this.members(path, depth);
    else if (c === '[') this.items(path, depth);
    else if (c === '"') this.string();
    else
      while (this.at < this.text.length && !',]} \t\r\n'.includes(this.text[this.at]!)) this.at++;
  }

  private members(path: (string | number)[], depth: number): void {
    this.at++;
    for (this.space(); this.text[this.at] !== '}'; this.space()) {
      if (this.text[this.at] === ',') this.at++;
      this.space();
      const key = this.string();
      this.space();
      this.at++; // ':'
      this.value([...path, key], depth + 1);
      if (this.at >= this.text.length) throw new Error('end');
    }
    this.at++;
  }

  private items(path: (string | number)[], depth: number): void {
    this.at++;
    for (let i = 0, first = true; ; first = false) {
      this.space();
      if (this.text[this.at] === ']') break;
      if (!first && this.text[this.at] === ',') this.at++;
      this.value([...path, i++], depth + 1);
      if (this.at >= this.text.length) throw new Error('end');
    }
    this.at++;
  }

  private string(): string {
    const start = this.at;
    for (this.at++; this.text[this.at] !== '"'; this.at++) {
      if (this.text[this.at] === '\\') this.at++;
      if (this.at >= this.text.length) throw new Error('end');
    }
    this.at++;
    return JSON.parse(this.text.slice(start, this.at)) as string;
  }

  private space(): void {
    for (;;) {
      const c = this.text[this.at];
      if (c === '\n') this.line++;
      else if (c !== ' ' && c !== '\t' && c !== '\r') return;
      this.at++;
    }
  }
}

function samePath(a: readonly (string | number)[], b: readonly (string | number)[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
