/**
 * Masks personal data for display: `jane.doe@example.com` → `j***@e***.com`,
 * `Jane Doe` → `J*** D***`. Keeps just enough for a person to tell two values apart.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 0) return maskWord(email);
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${maskWord(email.slice(0, at))}@${maskWord(host)}${tld}`;
}

export function maskName(name: string): string {
  return name
    .split(/\s+/)
    .filter((w) => w !== '')
    .map(maskWord)
    .join(' ');
}

function maskWord(word: string): string {
  const first = Array.from(word)[0] ?? '';
  return `${first}***`;
}

/** Masks any text that may hold personal data, for error messages: keeps shape, not content. */
export function maskValue(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  if (text.includes('@')) return maskEmail(text);
  return text.length <= 2 ? '***' : `${text.slice(0, 1)}***`;
}
