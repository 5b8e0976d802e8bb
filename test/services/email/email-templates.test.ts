import { expect } from 'chai';
import { ValidationError } from '../../../src/domain/app-errors.ts';
import {
  EMAIL_TEMPLATES,
  InvalidEmailError,
  renderEmail,
  type EmailTemplate,
} from '../../../src/services/email/email-templates.ts';
import { formatMoney } from '../../../src/services/email/email-format.ts';

const ctx = { appUrl: 'https://chronos.example/' };
const HOSTILE = `<script>alert("x")</script> & 'Co'`;

const examples: Record<EmailTemplate, Record<string, unknown>> = {
  welcome: { creatorName: 'Ada Lovelace', studentName: 'Grace' },
  expiration: { creatorName: 'Ada Lovelace', membershipStatus: 'past_due' },
  receipt: {
    amountMinor: 4999,
    currency: 'usd',
    productTitle: 'Course One',
    paymentId: 'pay_123',
    paidAt: '2027-03-03T14:05:00.000Z',
  },
  payment_failed: {
    amountMinor: 4999,
    currency: 'usd',
    productTitle: 'Course One',
    failureMessage: 'Your card was declined.',
  },
  grace_period: { graceEndsAt: '2027-03-10T00:00:00.000Z', tierName: 'pro' },
  trial_ending: { productName: "Ada Lovelace's course", trialEndsAt: '2027-03-10T00:00:00.000Z' },
};

describe('email templates', () => {
  for (const template of EMAIL_TEMPLATES) {
    it(`renders "${template}" as a subject, a plain-text part and an HTML part, both linking the dashboard`, () => {
      const mail = renderEmail(template, examples[template], ctx);
      expect(mail.subject.length).to.be.greaterThan(0);
      expect(mail.subject).not.to.match(/[\r\n]/);
      expect(mail.text).to.include('https://chronos.example/dashboard');
      expect(mail.html).to.include('href="https://chronos.example/dashboard"');
      expect(mail.html).to.match(/^<!doctype html>/);
    });
  }

  it('says who the course is from and greets the student by name', () => {
    const mail = renderEmail('welcome', examples.welcome, ctx);
    expect(mail.subject).to.equal("Welcome to Ada Lovelace's course");
    expect(mail.text).to.include('Welcome, Grace!');
    expect(renderEmail('welcome', { creatorName: 'Ada' }, ctx).text).to.include('Welcome!');
  });

  it('names the membership status that ended the access', () => {
    const mail = renderEmail('expiration', examples.expiration, ctx);
    expect(mail.text).to.include('Your membership is now past due');
    expect(mail.subject).to.include('Ada Lovelace');
  });

  it('formats money from integer minor units with the currency (usd 4999 → $49.99, jpy 500 → ¥500)', () => {
    expect(renderEmail('receipt', examples.receipt, ctx).text).to.include('$49.99');
    const yen = renderEmail('payment_failed', { amountMinor: 500, currency: 'jpy' }, ctx);
    expect(yen.subject).to.equal('Your payment of ¥500 failed');
    expect(yen.html).to.include('¥500');
    expect(formatMoney(4999n, 'usd')).to.equal('$49.99');
    expect(formatMoney(5n, 'USD')).to.equal('$0.05');
    expect(formatMoney(500n, 'JPY')).to.equal('¥500');
    expect(formatMoney(1234567n, 'kwd')).to.match(/^KWD\s1,234\.567$/); // three decimals; Intl puts a no-break space
    expect(formatMoney(123456789012345678n, 'usd')).to.equal('$1,234,567,890,123,456.78');
  });

  it('accepts amounts as Postgres returns bigint (a string of digits) and as bigint', () => {
    expect(renderEmail('receipt', { ...examples.receipt, amountMinor: '4999' }, ctx).subject).to.include('$49.99');
    expect(renderEmail('receipt', { ...examples.receipt, amountMinor: 4999n }, ctx).subject).to.include('$49.99');
  });

  it('puts the receipt details in both parts: amount, product, payment id and date (UTC)', () => {
    const mail = renderEmail('receipt', examples.receipt, ctx);
    for (const part of [mail.text, mail.html]) {
      expect(part).to.include('Course One');
      expect(part).to.include('pay_123');
      expect(part).to.include('3 Mar 2027, 14:05 UTC');
    }
    expect(mail.subject).to.equal('Your receipt: $49.99 for Course One');
  });

  it('gives the payment failure reason when there is one', () => {
    expect(renderEmail('payment_failed', examples.payment_failed, ctx).text).to.include(
      'Reason given: Your card was declined.',
    );
    expect(renderEmail('payment_failed', { amountMinor: 100, currency: 'usd' }, ctx).text).not.to.include(
      'Reason given',
    );
  });

  it('tells a creator in grace which tier they keep and until when', () => {
    const mail = renderEmail('grace_period', examples.grace_period, ctx);
    expect(mail.subject).to.equal('Your Chronos payment failed: you keep Pro until 10 Mar 2027');
    expect(mail.text).to.include('You keep the Pro tier and its limits until 10 Mar 2027, 00:00 UTC.');
  });

  it('writes every date the way pages do ("10 Mar 2027"), never ISO or US style', () => {
    for (const template of EMAIL_TEMPLATES) {
      const mail = renderEmail(template, examples[template], ctx);
      for (const part of [mail.subject, mail.text, mail.html]) {
        expect(part, template).not.to.match(/\d{4}-\d{2}-\d{2}|\b(January|February|March|December) \d/);
      }
    }
    expect(renderEmail('trial_ending', examples.trial_ending, ctx).text).to.include('ends on 10 Mar 2027, 00:00 UTC.');
  });

  it('escapes every value in the HTML part (a hostile creator name stays text)', () => {
    const mail = renderEmail('welcome', { creatorName: HOSTILE, studentName: '<img src=x onerror=alert(1)>' }, ctx);
    expect(mail.html).not.to.include('<script>');
    expect(mail.html).not.to.include('<img');
    expect(mail.html).to.include('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Co&#39;');
    expect(mail.text).to.include(HOSTILE);
    const hostileUrl = renderEmail('welcome', examples.welcome, { appUrl: 'https://x.example/"><script>' });
    expect(hostileUrl.html).not.to.include('"><script>');
  });

  it('keeps the subject on one line whatever the payload holds', () => {
    const mail = renderEmail('welcome', { creatorName: 'Ada\r\nBcc: victim@example.com' }, ctx);
    expect(mail.subject).to.equal("Welcome to Ada Bcc: victim@example.com's course");
  });

  it('refuses a bad payload with an error naming each bad field', () => {
    const bad = () => renderEmail('receipt', { amountMinor: 49.99, currency: 'dollars', paidAt: 'not a date' }, ctx);
    expect(bad).to.throw(InvalidEmailError, /amountMinor: expected a non-negative integer/);
    expect(bad).to.throw(/currency: expected a three-letter ISO 4217 code/);
    expect(bad).to.throw(/paymentId/);
    expect(bad).to.throw(/paidAt: expected an ISO 8601 date/);
    expect(() => renderEmail('welcome', {}, ctx)).to.throw(ValidationError, /creatorName/);
    expect(() => renderEmail('grace_period', { graceEndsAt: '2027-13-45', tierName: 'pro' }, ctx)).to.throw(
      /graceEndsAt/,
    );
    expect(() => renderEmail('receipt', { ...examples.receipt, amountMinor: -1 }, ctx)).to.throw(/amountMinor/);
  });

  it('refuses an unknown template', () => {
    expect(() => renderEmail('newsletter' as EmailTemplate, {}, ctx)).to.throw(
      InvalidEmailError,
      /Unknown email template "newsletter"/,
    );
  });
});
