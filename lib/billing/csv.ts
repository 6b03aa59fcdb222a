// CSV that is safe to open in a spreadsheet. Text cells starting with = + - @ (or a tab or carriage
// return) are formulas to Excel and LibreOffice: a customer named "=HYPERLINK(…)" would run in the
// reader's spreadsheet. Such cells get a leading apostrophe (OWASP's advice). Numbers are written
// as numbers and left alone, so a negative net stays a number.

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvText(value: string | null | undefined): string {
  const text = value ?? '';
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
}

/** Minor units as a decimal amount: 123456 → 1234.56, -50 → -0.50. */
export function csvMoney(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function csvLine(cells: string[]): string {
  return `${cells.join(',')}\r\n`;
}
