/**
 * Where in the graph a value sits, as a readable path (`engine.detectors.book.onRaise`,
 * `engine.directory.tickets.get("t-1").related[0]`). Used only to word a refusal, so it may be
 * slow; the snapshot itself never builds paths.
 */
export function pathTo(root: unknown, target: unknown, rootName: string): string | undefined {
  const seen = new Set<object>();
  const stack: { value: unknown; path: string }[] = [{ value: root, path: rootName }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (value === target) return path;
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) continue;
    if (seen.has(value)) continue;
    seen.add(value);
    const children = childrenOf(value, path);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return undefined;
}

function childrenOf(o: object, path: string): { value: unknown; path: string }[] {
  const out: { value: unknown; path: string }[] = [];
  if (o instanceof Map) {
    for (const [k, v] of o) {
      out.push({ value: k, path: `${path}.keys() member ${label(k)}` });
      out.push({ value: v, path: `${path}.get(${label(k)})` });
    }
    return out;
  }
  if (o instanceof Set) {
    for (const v of o) out.push({ value: v, path: `${path} member ${label(v)}` });
    return out;
  }
  if (Array.isArray(o)) {
    o.forEach((v, i) => out.push({ value: v, path: `${path}[${i}]` }));
    return out;
  }
  if (typeof o === 'function') return out;
  for (const key of Reflect.ownKeys(o)) {
    const name = typeof key === 'symbol' ? `[${String(key)}]` : `.${key}`;
    const d = Object.getOwnPropertyDescriptor(o, key);
    // The holder of an accessor or a symbol key is what is refused; its value is not read.
    if (d && 'value' in d) out.push({ value: d.value, path: `${path}${name}` });
  }
  return out;
}

function label(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined)
    return String(v);
  return `<${typeof v}>`;
}
