import { expect } from 'chai';
import { ConfigError } from '../../src/config/config.ts';
import { EmbeddedDatabaseError } from '../../src/db/postgres-binaries.ts';
import { startFailureLines } from '../../src/observability/start-failure.ts';

describe('start failures', () => {
  it('prints each configuration problem on a line of its own', () => {
    expect(
      startFailureLines(
        'chronos',
        new ConfigError(['PORT is required in production', 'REDIS_URL is required in production']),
      ),
    ).to.deep.equal([
      'config error: PORT is required in production',
      'config error: REDIS_URL is required in production',
    ]);
  });

  it('prints an embedded database problem as one line, without a stack', () => {
    const lines = startFailureLines(
      'worker',
      new EmbeddedDatabaseError('the embedded database in var/pgdata is in use by process 42'),
    );
    expect(lines).to.deep.equal([
      'worker failed to start: the embedded database in var/pgdata is in use by process 42',
    ]);
  });

  it('names a port in use and what to do', () => {
    const error = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', port: 3000 });
    expect(startFailureLines('chronos', error)).to.deep.equal([
      'chronos failed to start: port 3000 is already in use: stop the program that holds it, or set PORT to another port',
    ]);
  });

  it('keeps the stack of an unexpected error, for the one who must fix it', () => {
    const [line] = startFailureLines('chronos', new TypeError('boom'));
    expect(line).to.match(/^chronos failed to start: TypeError: boom\n\s+at /);
  });
});
