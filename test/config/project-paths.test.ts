import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, PUBLIC_DIR, VIEWS_DIR, runsCompiled } from '../../src/config/project-paths.ts';
import { PROJECT_ROOT as TEST_PROJECT_ROOT } from '../support/child-process.ts';

describe('project paths', () => {
  it('find the project root, views/ and public/ from the sources run by tsx', () => {
    expect(runsCompiled).to.equal(false);
    expect(join(PROJECT_ROOT, '/')).to.equal(join(TEST_PROJECT_ROOT, '/'));
    expect(existsSync(join(VIEWS_DIR, 'layout.ejs'))).to.equal(true);
    expect(existsSync(join(PUBLIC_DIR, 'css', 'app.css'))).to.equal(true);
  });
});
