import { expect } from 'chai';
import {
  contrastRatio,
  parseAccentColor,
  relativeLuminance,
  textColorOn,
  TEXT_ON_DARK,
  TEXT_ON_LIGHT,
} from '../../src/domain/accent-color.ts';

const hex = (n: number) => `#${n.toString(16).padStart(6, '0')}`;

describe('accent colour', () => {
  it('accepts #rrggbb only, stored lower-case', () => {
    expect(parseAccentColor('#1A73E8')).to.equal('#1a73e8');
    expect(parseAccentColor(' #00ff00 ')).to.equal('#00ff00');
    for (const bad of [
      'red',
      '#fff',
      '#12345g',
      '1a73e8',
      '#1a73e80',
      'rgb(0,0,0)',
      '#1a73e8;}',
      '',
      null,
      42,
      ['#000000'],
    ])
      expect(parseAccentColor(bad), String(bad)).to.equal(null);
  });

  it('computes WCAG relative luminance and contrast (known values)', () => {
    expect(relativeLuminance('#000000')).to.equal(0);
    expect(relativeLuminance('#ffffff')).to.be.closeTo(1, 1e-12);
    expect(contrastRatio('#ffffff', '#000000')).to.be.closeTo(21, 1e-9);
    // WebAIM's checker: #777777 on white is 4.48:1, #767676 is 4.54:1.
    expect(contrastRatio('#777777', '#ffffff')).to.be.closeTo(4.48, 0.005);
    expect(contrastRatio('#767676', '#ffffff')).to.be.closeTo(4.54, 0.005);
    expect(contrastRatio('#ffffff', '#767676')).to.equal(contrastRatio('#767676', '#ffffff'));
  });

  it('picks white on dark accents and black on light ones', () => {
    expect(textColorOn('#000000')).to.equal(TEXT_ON_DARK);
    expect(textColorOn('#1a237e')).to.equal(TEXT_ON_DARK);
    expect(textColorOn('#ffffff')).to.equal(TEXT_ON_LIGHT);
    expect(textColorOn('#ffeb3b')).to.equal(TEXT_ON_LIGHT);
    // Mid grey, where the two are closest: black wins (5.3:1 against white's 4.0:1).
    expect(textColorOn('#808080')).to.equal(TEXT_ON_LIGHT);
  });

  it('keeps text on the accent at 4.5:1 or more for every colour tried (a grid of all channels and 20,000 random ones)', () => {
    const accents: string[] = [];
    const steps = Array.from({ length: 18 }, (_, i) => i * 15);
    for (const r of steps) for (const g of steps) for (const b of steps) accents.push(hex((r << 16) | (g << 8) | b));
    // A fixed-seed generator (mulberry32), so a failure names a colour that fails again.
    let seed = 17;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    for (let i = 0; i < 20_000; i += 1) accents.push(hex(Math.floor(random() * 0x1000000)));
    let worst = 21;
    for (const accent of accents) {
      const ratio = contrastRatio(accent, textColorOn(accent));
      if (ratio < 4.5) expect.fail(`${accent}: ${ratio.toFixed(3)}:1`);
      worst = Math.min(worst, ratio);
    }
    // The hardest colours sit where white and black read about equally: just above 4.58:1.
    expect(worst).to.be.within(4.5, 4.7);
  });
});
