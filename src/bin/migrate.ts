/**
 * `npm run migrate -- up|down|status` (the Procfile's `release` role): applies, reverts (one
 * step) or lists the migrations. It reads the database settings only (getReleaseConfig), as a
 * platform's release phase gets no `PORT` and needs nothing else.
 */
import { getReleaseConfig } from '../config/config.ts';
import { runEntryPoint } from '../observability/run-entry-point.ts';
import { createLogger } from '../observability/logger.ts';
import { openDatabase } from '../db/open-database.ts';
import { createMigrator } from '../db/migrator.ts';

const USAGE = 'usage: npm run migrate -- up | down | status';

async function main(command: string | undefined): Promise<number> {
  if (command !== 'up' && command !== 'down' && command !== 'status') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = getReleaseConfig();
  const logger = createLogger({ level: config.logLevel });
  const database = await openDatabase(config, logger);
  try {
    const migrator = createMigrator(database.sequelize, logger);
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
    await database.close();
  }
}

runEntryPoint('migrate', () => main(process.argv[2]));
