/** Mocha global fixtures: say which mode this run uses; drop the run's database at the end. */
import { dropTestDatabase } from './test-runtime.ts';
import { databaseMode, storeMode } from './test-env.ts';

export function mochaGlobalSetup(): void {
  process.stdout.write(`  test mode: database=${databaseMode}, sessions=${storeMode}\n`);
}

export async function mochaGlobalTeardown(): Promise<void> {
  await dropTestDatabase();
}
