import assert from 'node:assert/strict';
import { safeCell } from './spreadsheetCell.js';

describe('safeCell (CSV/XLSX formula injection)', () => {
  it('neutralises text that starts like a formula', () => {
    for (const v of ['=HYPERLINK("http://x","y")', '+1+2', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) assert.equal(safeCell(v), `'${v}`);
  });
  it('leaves other text, numbers, dates and empties alone', () => {
    assert.equal(safeCell('dev-A'), 'dev-A');
    assert.equal(safeCell('ABCD-1234'), 'ABCD-1234');
    assert.equal(safeCell(''), '');
    assert.equal(safeCell(-5), -5);
    assert.equal(safeCell(null), null);
  });
});
