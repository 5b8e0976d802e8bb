/**
 * Where the running code sits, and the project's folders found from there: the sources
 * (TypeScript under `src/`, run by tsx in development and tests) or the compiled build (`dist/src/`,
 * run by node in production; `npm run build`). `views/` and `public/` are not copied into the
 * build: both layouts read them from the project's root. (The migrations are compiled beside
 * the code, `dist/migrations/`, and `src/db/migrator.ts` finds them relative to itself.)
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** True in the compiled build (this module is `dist/src/config/project-paths.js`), false when tsx runs the sources. */
export const runsCompiled = import.meta.url.endsWith('.js');

/**
 * The folder holding `package.json`, `views/` and `public/`: one level above `src/`, two above `dist/src/` (this module
 * is in their `config/`).
 */
export const PROJECT_ROOT = fileURLToPath(new URL(runsCompiled ? '../../../' : '../../', import.meta.url));

export const VIEWS_DIR = join(PROJECT_ROOT, 'views');
export const PUBLIC_DIR = join(PROJECT_ROOT, 'public');
