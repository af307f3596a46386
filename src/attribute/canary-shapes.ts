import { randomInt } from 'node:crypto';

/**
 * Making planted records look like their neighbours: ids in the directory's own pattern, names
 * in its records' own style. An insider who can read the directory should find nothing that
 * tells a canary from a record the marketplace sent (docs/attribution.md, "Limits").
 * Randomness is the CSPRNG's: an insider must not be able to predict the next canary's id.
 */

const FALLBACK_PREFIX = { seller: 's-', product: 'p-', reviewer: 'rv-', review: 'r-' } as const;

/** New ids for one kind, shaped like a random existing one, never an id already taken. */
export class IdMaker {
  private readonly taken: Set<string>;

  constructor(
    private readonly existing: readonly string[],
    private readonly fallbackPrefix: string,
  ) {
    this.taken = new Set(existing);
  }

  static forKind(kind: keyof typeof FALLBACK_PREFIX, existing: readonly string[]): IdMaker {
    return new IdMaker(existing, FALLBACK_PREFIX[kind]);
  }

  /** A fresh id, and the digits it put where the template had its own (for names). */
  next(): { id: string; template: string | undefined; digits: string } {
    const template =
      this.existing.length > 0 ? this.existing[randomInt(this.existing.length)] : undefined;
    const run = template === undefined ? undefined : /(\d+)(?!.*\d)/.exec(template);
    for (let tries = 0; ; tries++) {
      // widen the number when the template's width is crowded
      const width = (run?.[1]?.length ?? 6) + Math.floor(tries / 20);
      const digits = randomDigits(width, run?.[1]?.startsWith('0') === true);
      const id =
        template !== undefined && run !== undefined && run !== null
          ? template.slice(0, run.index) + digits + template.slice(run.index + run[1]!.length)
          : `${template ?? this.fallbackPrefix}${template === undefined ? '' : '-'}${digits}`;
      if (!this.taken.has(id)) {
        this.taken.add(id);
        return { id, template, digits };
      }
    }
  }
}

/** `width` random decimal digits; without `leadingZero` the first is 1–9 (like a counter). */
function randomDigits(width: number, leadingZero: boolean): string {
  let out = leadingZero ? '' : String(1 + randomInt(9));
  while (out.length < width) out += String(randomInt(10));
  return out;
}

/** A template's name with its id's number replaced (`Seller 104` → `Seller 187`), if it has one. */
export function nameLike(
  templateName: string | undefined,
  templateId: string | undefined,
  digits: string,
): string | undefined {
  if (templateName === undefined) return undefined;
  const own = templateId === undefined ? undefined : /(\d+)(?!.*\d)/.exec(templateId)?.[1];
  if (own !== undefined && templateName.includes(own)) return templateName.replace(own, digits);
  return templateName;
}

const GIVEN = ['ana', 'ben', 'chen', 'dara', 'eli', 'fay', 'gus', 'hana', 'ivo', 'jun', 'kai'];
const FAMILY = ['li', 'garcia', 'novak', 'okafor', 'silva', 'tanaka', 'berg', 'costa', 'haddad'];

/** A plausible reviewer: a name, and an address for it on the operator's domain. */
export function personOn(domain: string, taken: Set<string>): { name: string; email: string } {
  for (;;) {
    const given = GIVEN[randomInt(GIVEN.length)]!;
    const family = FAMILY[randomInt(FAMILY.length)]!;
    const email = `${given}.${family}${randomInt(10, 10_000)}@${domain}`;
    if (taken.has(email)) continue;
    taken.add(email);
    return { name: `${given} ${family}`, email };
  }
}

/** A random element of a non-empty list. */
export function pick<T>(items: readonly T[]): T {
  return items[randomInt(items.length)]!;
}

/** The most frequent value, ties broken by first seen; undefined for an empty list. */
export function mostCommon(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  for (const [v, n] of counts) if (best === undefined || n > counts.get(best)!) best = v;
  return best;
}

/** Whether a string is a host name the operator could receive mail at. */
export function isHostName(domain: string): boolean {
  return /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(domain);
}
