/**
 * One production install per `npm run test:production` run, shared by its files: the copy of
 * the working tree, `npm ci`, `npm run build`, `npm prune --omit=dev` (production-install.ts).
 * Made on first use and removed when the run ends, so the suite pays for one install only.
 */
import { rmSync } from 'node:fs';
import { copyWorkingTree, installStep, timed } from './production-install.ts';

let install: Promise<string> | undefined;

export function productionInstall(): Promise<string> {
  install ??= (async () => {
    const dir = await timed('copy of the working tree', async () => copyWorkingTree());
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    await timed('npm ci', () =>
      installStep(['npm', 'ci', '--include=dev', '--no-audit', '--no-fund', '--prefer-offline'], dir),
    );
    await timed('npm run build', () => installStep(['npm', 'run', 'build'], dir));
    await timed('npm prune --omit=dev', () =>
      installStep(['npm', 'prune', '--omit=dev', '--no-audit', '--no-fund'], dir),
    );
    return dir;
  })();
  return install;
}
