/**
 * A cell value safe to open in Excel, LibreOffice or Sheets: text that starts like a formula
 * (`= + - @`, tab, carriage return) is prefixed with an apostrophe, so it shows as text and never
 * runs (`=HYPERLINK(…)` in a client-supplied device id). Every CSV and XLSX the product writes
 * passes its cells through here. Numbers and dates are not text and stay as they are.
 */
export function safeCell<T>(value: T): T | string {
  if (typeof value !== 'string') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
