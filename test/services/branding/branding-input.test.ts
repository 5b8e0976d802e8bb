import { expect } from 'chai';
import { checkBrandingInput } from '../../../src/services/branding/branding-input.ts';
import { detectLogoType, LOGO_MAX_BYTES } from '../../../src/services/branding/logo-image.ts';
import { JPEG_LOGO, PNG_LOGO, SVG_LOGO, WEBP_LOGO } from '../../support/logo-fixtures.ts';

const errorsOf = (input: Parameters<typeof checkBrandingInput>[0]) => {
  const result = checkBrandingInput(input);
  return result.ok ? {} : result.errors;
};

describe('branding input', () => {
  it('knows PNG, JPEG and WebP by their bytes, and nothing else', () => {
    expect(detectLogoType(PNG_LOGO)).to.equal('image/png');
    expect(detectLogoType(JPEG_LOGO)).to.equal('image/jpeg');
    expect(detectLogoType(WEBP_LOGO)).to.equal('image/webp');
    expect(detectLogoType(SVG_LOGO)).to.equal(null);
    expect(detectLogoType(Buffer.from('GIF89a\x01\x00\x01\x00'))).to.equal(null);
    expect(detectLogoType(PNG_LOGO.subarray(0, 10))).to.equal(null);
    expect(detectLogoType(WEBP_LOGO.subarray(0, 30)), 'a WebP cut short').to.equal(null);
    expect(detectLogoType(Buffer.alloc(0))).to.equal(null);
  });

  it('accepts a colour and a logo whose name matches its bytes', () => {
    const result = checkBrandingInput({
      accentColor: '#1A73E8',
      logo: { fileName: 'Logo.JPEG', bytes: JPEG_LOGO },
    });
    expect(result).to.deep.equal({
      ok: true,
      accentColor: '#1a73e8',
      logo: { bytes: JPEG_LOGO, contentType: 'image/jpeg' },
    });
    expect(checkBrandingInput({ accentColor: '' })).to.deep.equal({ ok: true, accentColor: null, logo: null });
  });

  it('refuses SVG, whatever its name, with a sentence that says so', () => {
    expect(errorsOf({ accentColor: '', logo: { fileName: 'logo.svg', bytes: SVG_LOGO } }).logo).to.equal(
      'SVG logos are not accepted. Choose a PNG, JPEG or WebP image.',
    );
    expect(errorsOf({ accentColor: '', logo: { fileName: 'logo.png', bytes: SVG_LOGO } }).logo).to.contain('SVG');
  });

  it('refuses an image whose extension names another type, and a file that is no image', () => {
    expect(errorsOf({ accentColor: '', logo: { fileName: 'logo.png', bytes: JPEG_LOGO } }).logo).to.equal(
      'This file is a JPEG image but its name ends in .png. Rename it to end in .jpg and choose it again.',
    );
    expect(errorsOf({ accentColor: '', logo: { fileName: 'logo', bytes: PNG_LOGO } }).logo).to.contain('no extension');
    expect(errorsOf({ accentColor: '', logo: { fileName: 'logo.png', bytes: Buffer.from('hello') } }).logo).to.equal(
      'This file is not a PNG, JPEG or WebP image. Choose one of those.',
    );
  });

  it('refuses a logo over 1 MB and an empty one', () => {
    const big = Buffer.concat([PNG_LOGO, Buffer.alloc(LOGO_MAX_BYTES + 1 - PNG_LOGO.length)]);
    expect(errorsOf({ accentColor: '', logo: { fileName: 'a.png', bytes: big } }).logo).to.contain('larger than 1 MB');
    const justFits = Buffer.concat([PNG_LOGO, Buffer.alloc(LOGO_MAX_BYTES - PNG_LOGO.length)]);
    expect(checkBrandingInput({ accentColor: '', logo: { fileName: 'a.png', bytes: justFits } }).ok).to.equal(true);
    expect(errorsOf({ accentColor: '', logo: { fileName: 'a.png', tooLarge: true } }).logo).to.contain('1 MB');
    expect(errorsOf({ accentColor: '', logo: { fileName: 'a.png', bytes: Buffer.alloc(0) } }).logo).to.contain('empty');
  });

  it('refuses a colour that is not #rrggbb, and reports both fields at once', () => {
    for (const bad of ['red', '#fff', '#12345g', ['#000000', '#ffffff']]) {
      expect(errorsOf({ accentColor: bad }).accentColor, String(bad)).to.equal(
        'Enter the colour as # and six hexadecimal digits, like #1a73e8, or leave it empty.',
      );
    }
    expect(Object.keys(errorsOf({ accentColor: 'red', logo: { fileName: 'x.svg', bytes: SVG_LOGO } }))).to.have.members(
      ['accentColor', 'logo'],
    );
  });
});
