import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

describe('config: SUPPORT_EMAIL (Enterprise’s priority-support contact)', () => {
  const varDir = () => mkdtempSync(join(tmpdir(), 'chronos-config-'));

  it('is unset by default, so no support contact is shown or promised', () => {
    expect(loadConfig({ VAR_DIR: varDir() }).supportEmail).to.equal(undefined);
  });

  it('takes an email address', () => {
    expect(loadConfig({ VAR_DIR: varDir(), SUPPORT_EMAIL: 'help@chronos.test' }).supportEmail).to.equal(
      'help@chronos.test',
    );
  });

  it('refuses a value that is not an email address, naming the setting', () => {
    try {
      loadConfig({ VAR_DIR: varDir(), SUPPORT_EMAIL: 'help desk' });
      expect.fail('expected a ConfigError');
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).problems.join('\n')).to.match(/SUPPORT_EMAIL/);
    }
  });
});
