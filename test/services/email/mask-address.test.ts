import { expect } from 'chai';
import { maskEmailAddress, maskEmailAddressesIn } from '../../../src/services/email/mask-address.ts';

describe('mail address masking', () => {
  it('keeps the first letter and the domain of an address', () => {
    expect(maskEmailAddress('student@example.com')).to.equal('s***@example.com');
    expect(maskEmailAddress('a@b.example')).to.equal('a***@b.example');
  });

  it('masks what is not an address entirely', () => {
    for (const value of ['', 'nobody', '@example.com', 'someone@']) expect(maskEmailAddress(value)).to.equal('***');
  });

  it('masks every address inside a text and leaves redacted URL credentials alone', () => {
    expect(maskEmailAddressesIn('550 <ann.lee+x@mail.example.org>: no; also bob@example.com')).to.equal(
      '550 <a***@mail.example.org>: no; also b***@example.com',
    );
    expect(maskEmailAddressesIn('smtp://[redacted]@mail.example:587')).to.equal('smtp://[redacted]@mail.example:587');
  });
});
