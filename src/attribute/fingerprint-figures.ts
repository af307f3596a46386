/**
 * Figures as whole numbers of their last shown unit: `1234.56` with 2 decimals is 123456.
 * Whole units keep the arithmetic exact (a total of shown figures adds up to the cent).
 */
export function toUnits(figure: string, decimals: number): number {
  const v = figure.trim();
  const negative = v.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? v.slice(1) : v).split('.');
  const units = Number(whole + fraction.padEnd(decimals, '0'));
  return negative ? -units : units;
}

/** Whole units back to a figure showing `decimals` decimals. */
export function fromUnits(units: number, decimals: number): string {
  const digits = Math.abs(units)
    .toString()
    .padStart(decimals + 1, '0');
  const shown =
    decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return units < 0 ? `-${shown}` : shown;
}

/** The parity of a figure's last shown unit, the bit it carries. */
export function parityOf(units: number): 0 | 1 {
  return (Math.abs(units) % 2) as 0 | 1;
}

/** The key that places a cell in the code: its seller, period and field. */
export function cellKey(seller: string, period: string, field: string): string {
  return `${seller.trim()}|${period.trim()}|${field}`;
}
