import { expect } from 'chai';
import { formatBytes } from '../../src/domain/byte-units.ts';
// @ts-expect-error -- the browser's module is plain JavaScript without types
import { formatSize } from '../../public/js/upload/format.js';

const GB = 1024 ** 3;
const MB = 1024 ** 2;

describe('byte units', () => {
  it('writes sizes in one style: MB below 1 GB, GB from 1 GB, without trailing zeros', () => {
    expect(formatBytes(GB)).to.equal('1 GB');
    expect(formatBytes(1.5 * GB)).to.equal('1.5 GB');
    expect(formatBytes(1.25 * GB)).to.equal('1.25 GB');
    expect(formatBytes(GB - MB)).to.equal('1023 MB');
    expect(formatBytes(300 * MB)).to.equal('300 MB');
    expect(formatBytes(12.44 * MB)).to.equal('12.4 MB');
  });

  it('never shows a non-empty file as 0 MB', () => {
    expect(formatBytes(0)).to.equal('0 MB');
    expect(formatBytes(1)).to.equal('0.1 MB');
    expect(formatBytes(512 * 1024)).to.equal('0.5 MB');
  });

  it('writes sizes in the browser (the uploader) exactly as on the server', () => {
    for (const bytes of [0, 1, 512 * 1024, 12.44 * MB, 300 * MB, GB - MB, GB, 1.25 * GB, 5 * GB]) {
      expect(formatSize(bytes), String(bytes)).to.equal(formatBytes(bytes));
    }
  });
});
