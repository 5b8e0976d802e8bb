/**
 * Test support for test/production: records the file URL of every module a process loads
 * through the ES module loader, one a line, into the file named by this module's `out` query
 * parameter. Plain JavaScript, as the production build runs without tsx:
 * `NODE_OPTIONS="--import=file:///…/module-trace.mjs?out=/tmp/trace.txt"`.
 * (CommonJS packages show their entry file; what they `require` inside is not listed.)
 */
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { URL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

const out = new URL(import.meta.url).searchParams.get('out');

export async function load(url, context, nextLoad) {
  if (out && url.startsWith('file:')) appendFileSync(out, `${url}\n`);
  return nextLoad(url, context);
}

// In the process itself: install this module as the loader hooks (they run on a thread of their own).
if (isMainThread && out) register(import.meta.url);
