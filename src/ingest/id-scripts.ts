/**
 * Unicode TR39 §5.1 (mixed-script detection) over the engine's own Unicode data: the
 * Script_Extensions of each character come from `\p{scx=…}` (V8/ICU, Unicode 17 on Node
 * 20.20), so no per-character table is kept here — only the list of script codes
 * (ISO 15924, as in Unicode's PropertyValueAliases) to ask about. A code the engine does not
 * know is skipped.
 */
const SCRIPT_CODES =
  `Adlm Aghb Ahom Arab Armi Armn Avst Bali Bamu Bass Batk Beng Bhks Bopo Brah Brai Bugi
Buhd Cakm Cans Cari Cham Cher Chrs Copt Cpmn Cprt Cyrl Deva Diak Dogr Dsrt Dupl Egyp Elba Elym Ethi
Gara Geor Glag Gong Gonm Goth Gran Grek Gujr Gukh Guru Hang Hani Hano Hatr Hebr Hira Hluw Hmng Hmnp
Hung Ital Java Kali Kana Kawi Khar Khmr Khoj Kits Knda Krai Kthi Lana Laoo Latn Lepc Limb Lina Linb
Lisu Lyci Lydi Mahj Maka Mand Mani Marc Medf Mend Merc Mero Mlym Modi Mong Mroo Mtei Mult Mymr Nagm
Nand Narb Nbat Newa Nkoo Nshu Ogam Olck Onao Orkh Orya Osge Osma Ougr Palm Pauc Perm Phag Phli Phlp
Phnx Plrd Prti Rjng Rohg Runr Samr Sarb Saur Sgnw Shaw Shrd Sidd Sidt Sind Sinh Sogd Sogo Sora Soyo
Sund Sunu Sylo Syrc Tagb Takr Tale Talu Taml Tang Tavt Tayo Telu Tfng Tglg Thaa Thai Tibt Tirh Tnsa
Todr Tols Toto Tutg Ugar Vaii Vith Wara Wcho Xpeo Xsux Yezi Yiii Zanb`.split(/\s+/);

const SCRIPTS: [string, RegExp][] = SCRIPT_CODES.flatMap((code): [string, RegExp][] => {
  try {
    return [[code, new RegExp(`^\\p{scx=${code}}$`, 'u')]];
  } catch {
    return []; // a script newer than this engine's Unicode data
  }
});
const COMMON_OR_INHERITED = /^[\p{scx=Zyyy}\p{scx=Zinh}]$/u;
const LATIN = /^\p{scx=Latn}$/u;

/** TR39 augmented script sets: Han writes with Kana (Jpan), Hangul (Kore), Bopomofo (Hanb). */
const AUGMENT: Record<string, readonly string[]> = {
  Hani: ['Hanb', 'Jpan', 'Kore'],
  Hira: ['Jpan'],
  Kana: ['Jpan'],
  Hang: ['Kore'],
  Bopo: ['Hanb'],
};

/** The augmented Script_Extensions of one character, or `undefined` for Common/Inherited (ALL). */
function scriptsOf(ch: string, among: ReadonlySet<string> | undefined): Set<string> | undefined {
  if (COMMON_OR_INHERITED.test(ch)) return undefined;
  const out = new Set<string>();
  for (const [code, re] of SCRIPTS) {
    if (among !== undefined && !among.has(code) && !AUGMENT[code]?.some((a) => among.has(a)))
      continue;
    if (!re.test(ch)) continue;
    out.add(code);
    for (const a of AUGMENT[code] ?? []) out.add(a);
  }
  return out;
}

/** TR39 §5.1: the intersection of the characters' augmented script sets (`undefined` = ALL). */
function resolvedScripts(chars: readonly string[]): Set<string> | undefined {
  let resolved: Set<string> | undefined;
  for (const ch of chars) {
    const own = scriptsOf(ch, resolved);
    if (own === undefined) continue;
    resolved = resolved === undefined ? own : new Set([...resolved].filter((s) => own.has(s)));
    if (resolved.size === 0) return resolved;
  }
  return resolved;
}

/**
 * Whether a text passes TR39's "Highly Restrictive" level (§5.2): its characters resolve to one
 * script (Common and Inherited fit any), or, leaving Latin out, to Han with Kana, Hangul or
 * Bopomofo (Latin + Japanese, Korean or Chinese).
 */
export function isHighlyRestrictive(text: string): boolean {
  const chars = Array.from(text);
  const all = resolvedScripts(chars);
  if (all === undefined || all.size > 0) return true;
  const rest = resolvedScripts(chars.filter((ch) => !LATIN.test(ch)));
  return rest === undefined || rest.has('Jpan') || rest.has('Kore') || rest.has('Hanb');
}
