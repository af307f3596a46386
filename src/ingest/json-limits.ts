/**
 * Limits on the JSON value of a record, checked before any schema: the parsed value must be
 * one that every later step (zod, canonical encoding, the hashing thread, a JavaScript
 * reader of the stored record) takes exactly as it was sent.
 */

/** How deep a record may nest: the record is level 1, its `attrs` level 2, and so on. */
export const MAX_DEPTH = 16;

/** Member names that JavaScript readers treat as the object's prototype machinery. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface JsonProblem {
  readonly code: 'TOO_DEEP' | 'NON_FINITE_NUMBER' | 'FORBIDDEN_KEY';
  /** Where, from the value checked (`attrs.a.b`, `attrs.list.3`). */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * The first problem in a parsed JSON value (depth-first, in member order), or `undefined`.
 * `depth` is the level of `value` itself. Never recurses further than `MAX_DEPTH`, so a
 * hostile line thousands of levels deep costs nothing but the refusal.
 */
export function jsonProblem(value: unknown, depth = 1): JsonProblem | undefined {
  const path: (string | number)[] = [];
  return walk(value, depth, path);
}

function walk(value: unknown, depth: number, path: (string | number)[]): JsonProblem | undefined {
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return undefined;
    return {
      code: 'NON_FINITE_NUMBER',
      path: [...path],
      message:
        'a number beyond a 64-bit float (like 1e400, read as Infinity) cannot be stored as sent; send it as a string',
    };
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth > MAX_DEPTH) {
    return {
      code: 'TOO_DEEP',
      path: [...path],
      message: `nested deeper than ${MAX_DEPTH} levels (the record is level 1); flatten it`,
    };
  }
  if (Array.isArray(value)) return walkArray(value, depth, path);
  return walkObject(value as Record<string, unknown>, depth, path);
}

function walkArray(
  items: readonly unknown[],
  depth: number,
  path: (string | number)[],
): JsonProblem | undefined {
  for (let i = 0; i < items.length; i++) {
    path.push(i);
    const problem = walk(items[i], depth + 1, path);
    path.pop();
    if (problem) return problem;
  }
  return undefined;
}

function walkObject(
  obj: Record<string, unknown>,
  depth: number,
  path: (string | number)[],
): JsonProblem | undefined {
  for (const key in obj) {
    path.push(key);
    if (FORBIDDEN_KEYS.has(key)) {
      return {
        code: 'FORBIDDEN_KEY',
        path: [...path],
        message: `"${key}" is not allowed as a member name (JavaScript readers would take it for the object's prototype); rename it`,
      };
    }
    const problem = walk(obj[key], depth + 1, path);
    path.pop();
    if (problem) return problem;
  }
  return undefined;
}
