/** A creator's branding on the mails their students get (issue 17, point 2), and mails without it unchanged. */
import { expect } from 'chai';
import { InvalidEmailError, renderEmail } from '../../../src/services/email/email-templates.ts';

const ctx = { appUrl: 'https://chronos.example' };
const welcome = { creatorName: 'Ada Academy', studentName: 'Grace' };
const branding = {
  name: 'Ada Academy',
  logoUrl: 'https://chronos.example/branding/biz_ada/logo?v=1',
  accentColor: '#ffeb3b',
};

describe('email branding', () => {
  it("shows the creator's logo and paints the button in their accent, with readable text on it", () => {
    const mail = renderEmail('welcome', { ...welcome, branding }, ctx);
    expect(mail.html).to.include(
      '<img src="https://chronos.example/branding/biz_ada/logo?v=1" alt="Ada Academy" height="48"',
    );
    // Yellow: black text (white would be 1.2:1).
    expect(mail.html).to.include('style="background:#ffeb3b;color:#000000;');
    expect(mail.html).to.include('Ada Academy · Chronos');
    expect(mail.text).to.include('— Ada Academy, on Chronos');
    const dark = renderEmail(
      'expiration',
      { creatorName: 'Ada', membershipStatus: 'expired', branding: { name: 'Ada', accentColor: '#1a237e' } },
      ctx,
    );
    expect(dark.html).to.include('style="background:#1a237e;color:#ffffff;');
    expect(dark.html).not.to.include('<img');
  });

  it('keeps the mail as it was without branding', () => {
    const plain = renderEmail('welcome', welcome, ctx);
    expect(plain.html).not.to.include('<img');
    expect(plain.html).to.include('style="background:#1f6feb;color:#ffffff;');
    expect(plain.text).to.match(/— Chronos\n$/);
  });

  it("never brands Chronos's own mails to creators", () => {
    const mail = renderEmail(
      'grace_period',
      { graceEndsAt: '2027-03-10T00:00:00.000Z', tierName: 'pro', branding },
      ctx,
    );
    expect(mail.html).not.to.include('ffeb3b');
    expect(mail.html).not.to.include('<img');
  });

  it('refuses branding that could break the mail (a colour that is not #rrggbb, a logo URL that is not http(s))', () => {
    for (const bad of [
      { ...branding, accentColor: 'red;background:url(x)' },
      { ...branding, logoUrl: 'javascript:alert(1)' },
      { ...branding, name: '' },
    ]) {
      expect(() => renderEmail('welcome', { ...welcome, branding: bad }, ctx), JSON.stringify(bad)).to.throw(
        InvalidEmailError,
      );
    }
  });

  it('escapes the creator name and logo URL in the HTML', () => {
    const mail = renderEmail(
      'welcome',
      { ...welcome, branding: { name: '<b>"A&B"</b>', logoUrl: 'https://x.example/l?a=1&b="2"' } },
      ctx,
    );
    expect(mail.html).to.include('alt="&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;"');
    expect(mail.html).not.to.include('<b>"A&B"</b>');
  });
});
