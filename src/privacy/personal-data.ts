import type { Sealer } from './vault.js';

/** The directory kinds whose records are people, and so can hold personal `attrs`. */
export const PERSON_KINDS = ['reviewer', 'employee'] as const;
export type PersonKind = (typeof PERSON_KINDS)[number];

/** Which `attrs` members are personal, kind by kind (names as sent; matched normalised). */
export type PersonalDataDeclaration = Partial<Record<PersonKind, readonly string[]>>;

/**
 * The shipped default for reviewers (docs/ingest.md, "Personal data"): an attrs member whose normalised name
 * (case and separators folded: `Alt_Email` → `altemail`) names an e-mail, phone, name or
 * postal-address field, and any text in a reviewer's attrs that is an e-mail address.
 */
const DEFAULT_NAME_PARTS = ['email', 'mail', 'phone', 'mobile', 'name', 'address', 'street'];
const DEFAULT_NAMES = new Set([
  'tel',
  'telephone',
  'cell',
  'zip',
  'zipcode',
  'postcode',
  'postalcode',
  'dob',
  'birthdate',
  'dateofbirth',
]);
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** `Alt_Email`, `alt-email`, `ALT EMAIL` → `altemail`. */
export function normaliseFieldName(name: string): string {
  return name.toLowerCase().replace(/[\s_.-]+/g, '');
}

/**
 * Decides and seals the personal members of a person's `attrs`, under that person's data key
 * (the same key as a reviewer's `email` and `name`), so that erasing the person makes them
 * unreadable too. Deterministic: the same attrs seal to the same text (the vault's synthetic
 * IV), so an unchanged resend is still recognised as unchanged.
 */
export class PersonalData {
  private readonly declared = new Map<PersonKind, Set<string>>();

  constructor(declaration: PersonalDataDeclaration = {}) {
    for (const kind of PERSON_KINDS) {
      this.declared.set(kind, new Set((declaration[kind] ?? []).map(normaliseFieldName)));
    }
  }

  /** The declared names, normalised (a `PersonalData` built from it decides the same). */
  declaration(): PersonalDataDeclaration {
    const out: Partial<Record<PersonKind, string[]>> = {};
    for (const [kind, names] of this.declared) out[kind] = [...names];
    return out;
  }

  /** Whether `attrs.<name>` of a `kind` record is personal by declaration or by default. */
  isPersonalName(kind: PersonKind, name: string): boolean {
    const n = normaliseFieldName(name);
    if (this.declared.get(kind)?.has(n)) return true;
    if (kind !== 'reviewer') return false;
    return DEFAULT_NAMES.has(n) || DEFAULT_NAME_PARTS.some((part) => n.includes(part));
  }

  /**
   * The attrs with every personal member sealed (`enc:v1:…`; a value that is not text is
   * sealed as its JSON text), or the same object when nothing in it is personal. The field
   * bound into each ciphertext is `attrs.<name>` (nested e-mail addresses: their path).
   */
  sealAttrs(
    vault: Sealer,
    subject: string,
    kind: PersonKind,
    attrs: Readonly<Record<string, unknown>>,
  ): Record<string, unknown> {
    let out: Record<string, unknown> | undefined;
    for (const name of Object.keys(attrs)) {
      const value = attrs[name];
      const field = `attrs.${name}`;
      const sealed = this.isPersonalName(kind, name)
        ? vault.seal(subject, field, typeof value === 'string' ? value : JSON.stringify(value))
        : kind === 'reviewer'
          ? sealAddresses(vault, subject, field, value)
          : value;
      if (sealed !== value) (out ??= { ...attrs })[name] = sealed;
    }
    return out ?? attrs;
  }
}

/** Every text that is an e-mail address, at any depth, sealed where it stands. */
function sealAddresses(vault: Sealer, subject: string, field: string, value: unknown): unknown {
  if (typeof value === 'string') {
    return EMAIL.test(value) ? vault.seal(subject, field, value) : value;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const items = value as unknown[];
    let out: unknown[] | undefined;
    items.forEach((item, i) => {
      const sealed = sealAddresses(vault, subject, `${field}.${i}`, item);
      if (sealed !== item) (out ??= [...items])[i] = sealed;
    });
    return out ?? items;
  }
  const obj = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(obj)) {
    const sealed = sealAddresses(vault, subject, `${field}.${key}`, obj[key]);
    if (sealed !== obj[key]) (out ??= { ...obj })[key] = sealed;
  }
  return out ?? obj;
}
