import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { createLogger } from '../../src/observability/logger.ts';
import { LISTENING_MESSAGE, prettyDestination, wantsPrettyLogs } from '../../src/observability/console-logger.ts';
import { yieldTurns } from '../support/wait.ts';

describe('console logger', () => {
  it('prettifies only in development with a terminal; production and piped output stay JSON', () => {
    expect(wantsPrettyLogs({ nodeEnv: 'development', isTTY: true })).to.equal(true);
    expect(wantsPrettyLogs({ nodeEnv: 'development', isTTY: false })).to.equal(false);
    expect(wantsPrettyLogs({ nodeEnv: 'production', isTTY: true })).to.equal(false);
    expect(wantsPrettyLogs({ nodeEnv: 'test', isTTY: true })).to.equal(false);
  });

  it('writes human-readable lines, makes the listening line stand out, and still redacts secrets', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const logger = createLogger({ level: 'info' }, await prettyDestination(out));
    logger.info({ url: 'http://localhost:3000', ms: 12 }, LISTENING_MESSAGE);
    logger.info({ session: { accessToken: 'tok_secret_value' } }, 'signed in');
    logger.flush();
    await yieldTurns();
    expect(text).to.contain('➜ Chronos is ready: http://localhost:3000');
    expect(text).to.contain('INFO');
    expect(text).to.contain('signed in');
    expect(text).to.not.contain('tok_secret_value');
    for (const line of text.trim().split('\n')) expect(() => JSON.parse(line), line).to.throw();
  });
});
