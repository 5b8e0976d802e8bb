import { expect } from 'chai';
import {
  currencyDecimals,
  exactMinorUnits,
  legacyAmountDecimals,
  roundedMinorUnits,
} from '../../src/domain/currency-precision.ts';

describe('currency precision', () => {
  it('gives a currency its places: declared first, then the asset’s own, ISO 4217 zero and three, else 2', () => {
    expect(currencyDecimals('usd', 4), 'a money object’s own decimals win').to.equal(4);
    expect(currencyDecimals('btc')).to.equal(8);
    expect(currencyDecimals('USDT')).to.equal(6);
    expect(currencyDecimals('jpy')).to.equal(0);
    expect(currencyDecimals('kwd')).to.equal(3);
    expect(currencyDecimals('eur')).to.equal(2);
  });

  it('keeps the legacy whole-number column at 0 places for zero-decimal currencies, 2 for the rest', () => {
    expect(legacyAmountDecimals('jpy')).to.equal(0);
    expect(legacyAmountDecimals('KRW')).to.equal(0);
    expect(legacyAmountDecimals('usd')).to.equal(2);
    expect(legacyAmountDecimals('btc'), 'not the asset’s own 8').to.equal(2);
  });

  it('converts to minor units exactly or not at all, and rounds half up for display', () => {
    expect(exactMinorUnits('49.99', 2)).to.equal(4999);
    expect(exactMinorUnits('0.00000001', 8)).to.equal(1);
    expect(exactMinorUnits('1.005', 2), 'more places than the currency has').to.equal(null);
    expect(exactMinorUnits('99999999999999999', 2), 'beyond a safe integer').to.equal(null);
    expect(roundedMinorUnits('1.005', 2)).to.equal(101n);
    expect(roundedMinorUnits('1.004', 2)).to.equal(100n);
    expect(roundedMinorUnits('1500', 0)).to.equal(1500n);
  });
});
