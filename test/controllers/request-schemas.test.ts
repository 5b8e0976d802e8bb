import { expect } from 'chai';
import { ValidationError } from '../../src/domain/app-errors.ts';
import {
  aiCreditsSchema,
  parseBody,
  videoMoveSchema,
  videoTitleSchema,
} from '../../src/controllers/request-schemas.ts';

function refusal(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('request schemas', () => {
  it('says a blank title once, as a sentence, even when two rules refuse it', () => {
    const error = refusal(() => parseBody(videoTitleSchema, { title: '   ' }));
    expect(error.message).to.equal('Enter a title.');
    expect(error.details).to.deep.equal([{ field: 'title', message: 'Enter a title.' }]);
    expect(refusal(() => parseBody(videoTitleSchema, {})).message).to.equal('Enter a title.');
  });

  it('words every refusal for people: a capital, a full stop, no schema paths', () => {
    const messages = [
      refusal(() => parseBody(videoMoveSchema, { direction: 'sideways' })).message,
      ...[undefined, 'ten', 2.5, 0, 1001].map(
        (amount) => refusal(() => parseBody(aiCreditsSchema, { amount })).message,
      ),
    ];
    for (const message of messages) {
      expect(message).to.match(/^[A-Z].*\.$/);
      expect(message).not.to.match(/^(amount|direction|title)\b|is required|Invalid input|expected/);
    }
    expect(messages[3]).to.equal('Give the amount of AI credits without decimals, such as 10.');
  });

  it('passes what is valid through, trimmed', () => {
    expect(parseBody(videoTitleSchema, { title: '  Lesson 1 ' })).to.deep.equal({ title: 'Lesson 1' });
    expect(parseBody(aiCreditsSchema, { amount: 10 })).to.deep.equal({ amount: 10 });
  });
});
