import { expect } from 'chai';
import { fieldError, formStateOf, hasErrorUnder, invalidAttrs, typedOr } from '../../src/views/form-state.ts';

describe('form state of a refused form', () => {
  const fields = { title: 'lesson-7-title', body: 'lesson-7-body' };
  const details = [
    { field: 'body', message: 'The lesson text must be at most 10000 characters.' },
    { field: 'body', message: 'The lesson text must not contain control characters.' },
    { field: 'version', message: 'The form is missing the course version; reload the page.' },
  ];

  it('puts each field’s first error on its element id and keeps what was typed in every field', () => {
    const state = formStateOf(details, fields, { title: 'Typed', body: 'x'.repeat(10_001), version: '3' })!;
    expect(state.errors).to.deep.equal({ 'lesson-7-body': 'The lesson text must be at most 10000 characters.' });
    expect(state.typed).to.deep.equal({ 'lesson-7-title': 'Typed', 'lesson-7-body': 'x'.repeat(10_001) });
  });

  it('is undefined when no issue names a field of the form (the page says it at its top)', () => {
    expect(formStateOf([{ field: 'version', message: 'reload' }], fields, {})).to.equal(undefined);
    expect(formStateOf(undefined, fields, {})).to.equal(undefined);
  });

  it('marks the invalid field and names its error (after its hint); a valid field keeps only its hint', () => {
    const state = formStateOf(details, fields, { body: 'x' });
    expect(invalidAttrs(state, 'lesson-7-body', 'lesson-7-body-hint')).to.equal(
      ' aria-invalid="true" aria-describedby="lesson-7-body-hint lesson-7-body-error"',
    );
    expect(invalidAttrs(state, 'lesson-7-title', 'hint')).to.equal(' aria-describedby="hint"');
    expect(invalidAttrs(undefined, 'lesson-7-title')).to.equal('');
    expect(fieldError(state, 'lesson-7-body')).to.equal('The lesson text must be at most 10000 characters.');
    expect(fieldError(state, 'lesson-7-title')).to.equal(undefined);
  });

  it('shows the typed value over the saved one, and the saved one when nothing was typed', () => {
    const state = formStateOf(details, fields, { body: 'typed' });
    expect(typedOr(state, 'lesson-7-body', 'saved')).to.equal('typed');
    expect(typedOr(state, 'lesson-7-title', 'saved')).to.equal('saved');
    expect(typedOr(undefined, 'lesson-7-body', 'saved')).to.equal('saved');
  });

  it('tells whether a field under a prefix has an error (to open its <details>), without matching lesson-70', () => {
    const state = formStateOf(details, fields, {});
    expect(hasErrorUnder(state, 'lesson-7-')).to.equal(true);
    expect(hasErrorUnder(state, 'lesson-70-')).to.equal(false);
    expect(hasErrorUnder(undefined, 'lesson-7-')).to.equal(false);
  });
});
