/**
 * Browser bundles of npm dependencies that Chronos serves itself (never a CDN: the CSP allows
 * only 'self', and the exact version is the one in package-lock.json). Each is resolved by its
 * package path, so an upgrade is an `npm install`, and its URL carries the version, so browsers
 * may cache it for a year and still fetch the new file after an upgrade.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface VendorScript {
  /** Where the app serves it (under /static, beside the app's own files). */
  path: string;
  /** Its source map, served beside it (the bundle names it). */
  mapPath: string;
  /** The file in node_modules. */
  file: string;
  mapFile: string;
  /** What pages put in `<script src>`: the path with the package version. */
  url: string;
}

function vendorScript(packageName: string, bundle: string, path: string): VendorScript {
  const file = require.resolve(`${packageName}/${bundle}`);
  const { version } = require(`${packageName}/package.json`) as { version: string };
  return {
    path,
    mapPath: `${path}.map`,
    file,
    mapFile: `${file}.map`,
    url: `${path}?v=${encodeURIComponent(version)}`,
  };
}

/** tus-js-client: the resumable uploader of the video library. */
export const TUS_CLIENT_SCRIPT = vendorScript('tus-js-client', 'dist/tus.min.js', '/static/vendor/tus.min.js');
