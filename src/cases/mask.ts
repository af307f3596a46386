import type { CasePseudonyms } from '../privacy/index.js';

/**
 * Replaces every investigated employee's id with the case's pseudonym for them, in every
 * string of a value (ids inside summaries and notes too). Ids are matched whole: `E1` never
 * rewrites part of `E12`.
 */
export function subjectMask(
  pseudonyms: CasePseudonyms,
  caseId: string,
  employees: readonly string[],
): <T>(value: T) => T {
  if (employees.length === 0) return (value) => value;
  const byId = new Map(employees.map((e) => [e, pseudonyms.of(caseId, e)]));
  const alternatives = [...byId.keys()]
    .sort((a, b) => b.length - a.length)
    .map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(
    `(?<![A-Za-z0-9_-])(?:${alternatives.join('|')})(?![A-Za-z0-9_-])`,
    'g',
  );
  const replace = (s: string): string => s.replace(pattern, (id) => byId.get(id) ?? id);
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return replace(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [replace(k), walk(v)]));
    }
    return value;
  };
  return <T>(value: T): T => walk(value) as T;
}
