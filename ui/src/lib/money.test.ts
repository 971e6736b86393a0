import { describe, expect, it } from 'vitest';
import { computeTotals, currencyDecimals, decToString, parseDec, round, significantDecimals, sub } from './money';

const line = (quantity: string, unit_price: string, tax_rate: string, discount_percent = '0') => ({
  quantity,
  unit_price,
  tax_rate,
  discount_percent,
});

const r = (text: string, dp: number) => decToString(round(parseDec(text)!, dp));

describe('decimals', () => {
  it('parses and prints exactly', () => {
    expect(decToString(parseDec('45.50')!)).toBe('45.50');
    expect(decToString(parseDec('-0.05')!)).toBe('-0.05');
    expect(decToString(parseDec('.5')!)).toBe('0.5');
    expect(parseDec('1,5')).toBeNull();
    expect(parseDec('abc')).toBeNull();
    expect(parseDec('')).toBeNull();
    expect(parseDec('.')).toBeNull();
    expect(parseDec('1e3')).toBeNull();
  });

  it('rounds half away from zero', () => {
    expect(r('2.345', 2)).toBe('2.35');
    expect(r('2.344', 2)).toBe('2.34');
    expect(r('-2.345', 2)).toBe('-2.35');
    expect(r('149.5', 0)).toBe('150');
    expect(r('1.2345', 3)).toBe('1.235');
    expect(r('45.5', 2)).toBe('45.50');
  });

  it('never drifts like floats do', () => {
    expect(decToString(sub(parseDec('0.3')!, parseDec('0.1')!))).toBe('0.2');
  });

  it('counts significant decimals', () => {
    expect(significantDecimals(parseDec('12.300')!)).toBe(1);
    expect(significantDecimals(parseDec('45.001')!)).toBe(3);
  });

  it('knows currency decimals', () => {
    expect(currencyDecimals('EUR')).toBe(2);
    expect(currencyDecimals('JPY')).toBe(0);
    expect(currencyDecimals('kwd')).toBe(3);
  });
});

describe('invoice totals (same rule as core/src/invoice/totals.rs)', () => {
  it('taxed and untaxed lines in euros', () => {
    const t = computeTotals([line('2', '19.99', '20'), line('1.5', '33.33', '0')], 'EUR');
    expect(t.subtotal.amount).toBe('89.98');
    expect(t.tax.amount).toBe('8.00');
    expect(t.total.amount).toBe('97.98');
    expect(t.taxes.map((x) => [x.rate, x.tax.amount])).toEqual([
      ['0', '0.00'],
      ['20', '8.00'],
    ]);
    expect(t.lines[1].gross.amount).toBe('50.00');
  });

  it('yen totals have no decimals', () => {
    const t = computeTotals([line('3', '1999', '10', '5')], 'JPY');
    expect(t.discount.amount).toBe('300');
    expect(t.tax.amount).toBe('570');
    expect(t.total).toEqual({ amount: '6267', currency: 'JPY' });
  });

  it('rounds tax per line, not per rate', () => {
    expect(computeTotals([line('1', '0.05', '21'), line('1', '0.05', '21')], 'EUR').tax.amount).toBe('0.02');
    expect(computeTotals([line('1', '0.05', '21'), line('1', '0.05', '21'), line('1', '0.05', '21')], 'EUR').tax.amount).toBe(
      '0.03',
    );
  });

  it('uses three decimals for dinars and treats unfinished input as zero', () => {
    const t = computeTotals([line('1', '1.5', '0'), line('', 'abc', '20')], 'KWD');
    expect(t.total.amount).toBe('1.500');
    expect(computeTotals([], 'EUR').total.amount).toBe('0.00');
  });

  it('merges equal rates written differently', () => {
    const t = computeTotals([line('1', '10', '20'), line('1', '10', '20.0')], 'EUR');
    expect(t.taxes).toHaveLength(1);
    expect(t.taxes[0].net.amount).toBe('20.00');
  });
});
