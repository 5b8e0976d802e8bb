import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

describe('config: the Whop App settings (WHOP_FRAME_ANCESTORS, the user-token JWKS)', () => {
  const varDir = () => mkdtempSync(join(tmpdir(), 'chronos-config-'));

  it('lets the sandbox frame the embedded routes in development, and reads its JWKS', () => {
    const config = loadConfig({ VAR_DIR: varDir(), SANDBOX_PORT: '4100' });
    expect(config.whopApp.frameAncestors).to.deep.equal(['http://localhost:4100']);
    expect(config.whopApp.userTokenJwksUrl).to.equal('http://localhost:4100/.well-known/jwks.json');
    expect(config.whopApp.sandboxAppProxyPort).to.equal(4101);
  });

  it('takes a comma-separated list of origins', () => {
    const config = loadConfig({ VAR_DIR: varDir(), WHOP_FRAME_ANCESTORS: 'https://whop.com, https://*.whop.com' });
    expect(config.whopApp.frameAncestors).to.deep.equal(['https://whop.com', 'https://*.whop.com']);
  });

  it('refuses a value that is not a URL, naming the setting', () => {
    try {
      loadConfig({ VAR_DIR: varDir(), WHOP_FRAME_ANCESTORS: 'not an origin' });
      expect.fail('expected a ConfigError');
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).problems.join('\n')).to.match(/WHOP_FRAME_ANCESTORS/);
    }
  });
});
