/**
 * The body limit is above what any page's form can send with every field at its `maxlength`,
 * so text a browser lets a user type always reaches the form's own check (which keeps it and
 * says the reason next to the field) instead of a 413 (docs/FORMS.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ENCODED_BYTES_PER_CHAR, FORM_BODY_MAX_BYTES } from '../../src/domain/form-limits.ts';
import { LESSON_TEXT_MAX, TITLE_MAX } from '../../src/controllers/course-request-schemas.ts';

const VIEWS = join(import.meta.dirname, '..', '..', 'views');
/** Names, separators, the CSRF token and short fields (ids, versions, choices): generous. */
const OVERHEAD_BYTES = 2_048;

function viewFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? viewFiles(join(dir, entry.name)) : entry.name.endsWith('.ejs') ? [join(dir, entry.name)] : [],
  );
}

/** EJS tags, whose `>` would end an HTML tag early for the patterns below. */
const EJS_TAG = /<%[\s\S]*?%>/g;

/** Every `<form method="post">…</form>` of the views (a partial holding a form is its own file). */
const forms = viewFiles(VIEWS).flatMap((file) =>
  [
    ...readFileSync(file, 'utf8')
      .replace(EJS_TAG, 'x')
      .matchAll(/<form\b[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/g),
  ].map((m) => ({
    file: file.slice(VIEWS.length + 1),
    html: m[0],
  })),
);

/** The text fields a user types into: textareas and text-like inputs (not hidden, choices or files). */
const textFields = (html: string) =>
  [...html.matchAll(/<(textarea|input)\b[^>]*>/g)]
    .map((m) => m[0])
    .filter((tag) => tag.startsWith('<textarea') || !/type="(hidden|radio|checkbox|file|submit)"/.test(tag));

describe('form size limits', () => {
  it('finds the forms of the views, the lesson form among them', () => {
    expect(forms.length).to.be.above(20);
    expect(forms.map((f) => f.file)).to.include(join('partials', 'course-lesson-form.ejs'));
  });

  it('gives every text field a maxlength', () => {
    const without = forms.flatMap((f) =>
      textFields(f.html)
        .filter((tag) => !/maxlength="\d+"/.test(tag))
        .map((tag) => `${f.file}: ${tag}`),
    );
    expect(without).to.deep.equal([]);
  });

  it('keeps every form, with all its fields at maxlength and percent-encoded, under the body limit', () => {
    const sizes = forms.map((f) => {
      const chars = textFields(f.html).reduce((sum, tag) => sum + Number(/maxlength="(\d+)"/.exec(tag)?.[1] ?? 0), 0);
      return { file: f.file, bytes: chars * ENCODED_BYTES_PER_CHAR + OVERHEAD_BYTES };
    });
    const largest = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    expect(largest.file, 'the largest form').to.equal(join('partials', 'course-lesson-form.ejs'));
    expect(largest.bytes).to.be.below(FORM_BODY_MAX_BYTES);
  });

  it('the lesson form limits its fields as the server does', () => {
    const html = forms.find((f) => f.file === join('partials', 'course-lesson-form.ejs'))!.html;
    expect(/<textarea[^>]*name="body"[^>]*maxlength="(\d+)"/.exec(html)?.[1]).to.equal(String(LESSON_TEXT_MAX));
    expect(/<input[^>]*name="title"[^>]*maxlength="(\d+)"/.exec(html)?.[1]).to.equal(String(TITLE_MAX));
  });

  it('counts the worst percent-encoding: a 3-byte character is 9 bytes, a 4-byte one 6 per UTF-16 unit', () => {
    expect(new URLSearchParams({ b: '€' }).toString().length - 2).to.equal(ENCODED_BYTES_PER_CHAR);
    const astral = '😀';
    expect((new URLSearchParams({ b: astral }).toString().length - 2) / astral.length).to.be.at.most(
      ENCODED_BYTES_PER_CHAR,
    );
  });
});
