/**
 * Serves the vendored browser bundles (src/http/vendor-scripts.ts) from node_modules: a
 * JavaScript content type and a year of caching (their URLs change with the version).
 * Mounted beside the static files, before the session: no cookie, no per-user state.
 */
import { Router } from 'express';
import { TUS_CLIENT_SCRIPT, type VendorScript } from '../http/vendor-scripts.ts';

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

export function vendorRoutes(scripts: readonly VendorScript[] = [TUS_CLIENT_SCRIPT]): Router {
  const router = Router();
  for (const script of scripts) {
    router.get(script.path, (_req, res) => {
      res.type('text/javascript');
      res.sendFile(script.file, { maxAge: YEAR_MS, immutable: true });
    });
    router.get(script.mapPath, (_req, res) => {
      res.type('application/json');
      res.sendFile(script.mapFile, { maxAge: YEAR_MS, immutable: true });
    });
  }
  return router;
}
