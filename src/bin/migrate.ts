/** `npm run migrate -- up|down|status`: applies, reverts (one step) or lists the migrations. */
import { getConfig } from '../config/config.ts';
import { runEntryPoint } from '../observability/run-entry-point.ts';
import { createLogger } from '../observability/logger.ts';
import { buildRuntime } from '../runtime.ts';
import { createMigrator } from '../db/migrator.ts';

const USAGE = 'usage: npm run migrate -- up | down | status';

async function main(command: string | undefined): Promise<number> {
  if (command !== 'up' && command !== 'down' && command !== 'status') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = getConfig();
  const logger = createLogger({ level: config.logLevel });
  const runtime = await buildRuntime(config, logger, { migrate: false });
  try {
    const migrator = createMigrator(runtime.deps.sequelize, logger);
    if (command === 'up') {
      const applied = await migrator.up();
      process.stdout.write(applied.length ? applied.map((m) => `applied ${m.name}\n`).join('') : 'nothing to apply\n');
    } else if (command === 'down') {
      const reverted = await migrator.down();
      process.stdout.write(
        reverted.length ? reverted.map((m) => `reverted ${m.name}\n`).join('') : 'nothing to revert\n',
      );
    } else {
      for (const m of await migrator.executed()) process.stdout.write(`up      ${m.name}\n`);
      for (const m of await migrator.pending()) process.stdout.write(`pending ${m.name}\n`);
    }
    return 0;
  } finally {
    await runtime.close();
  }
}

runEntryPoint('migrate', () => main(process.argv[2]));
