import { expect } from 'chai';
import { startEntryPoint } from '../support/child-process.ts';
import { bareChildEnv } from '../support/test-env.ts';

const SCRIPT = 'test/fixtures/entry-points/run-entry-point-cases.ts';

async function run(kase: string): Promise<{ code: number | null; output: string }> {
  const child = startEntryPoint(SCRIPT, bareChildEnv({}), [kase]);
  const code = await child.exited;
  return { code, output: child.output() };
}

describe('every entry point (runEntryPoint)', function () {
  this.timeout(30_000);

  it("exits with its main's exit code", async () => {
    expect((await run('exit-code')).code).to.equal(3);
  });

  it('prints each configuration problem once, on a line of its own, and exits 1', async () => {
    const { code, output } = await run('config-error');
    expect(code).to.equal(1);
    expect(output).to.equal(
      'config error: SESSION_SECRET: required in production\nconfig error: DATABASE_URL: required in production\n',
    );
  });

  it('ends a process with an unhandled rejection: one line naming it, with the stack, exit 1', async () => {
    const { code, output } = await run('unhandled-rejection');
    expect(code).to.equal(1);
    expect(output).to.match(/^fixture crashed \(unhandled rejection\): Error: nobody awaited this\n\s+at /);
  });

  it('ends a process with an uncaught exception the same way', async () => {
    const { code, output } = await run('uncaught-exception');
    expect(code).to.equal(1);
    expect(output).to.match(/^fixture crashed \(uncaught exception\): Error: thrown in a callback\n\s+at /);
  });
});
