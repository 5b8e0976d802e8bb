/**
 * Reads the branding form (multipart: `_csrf`, `accentColor` and one `logo` file) into memory
 * with hard limits, then runs the CSRF check on its fields: the app-wide check runs before any
 * multipart body is read, so this route is mounted ahead of it and checks for itself. A logo
 * past 1 MB stops the parser and is reported as too large; a malformed form is a 400.
 */
import multer from 'multer';
import type { RequestHandler } from 'express';
import { ValidationError } from '../domain/app-errors.ts';
import { LOGO_MAX_BYTES } from '../services/branding/logo-image.ts';
import type { ParsedBrandingForm } from '../services/branding/branding-input.ts';
import { csrfProtection } from './csrf-protection.ts';

const parse = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: LOGO_MAX_BYTES, files: 1, fields: 5, fieldSize: 1_000, parts: 6, headerPairs: 50 },
}).single('logo');

export const parseBrandingForm: RequestHandler = (req, res, next) => {
  if (!req.is('multipart/form-data'))
    return next(new ValidationError('The branding form could not be read. Reload the page and try again.'));
  parse(req, res, (error: unknown) => {
    const fields = (req.body ?? {}) as Record<string, unknown>;
    req.body = fields;
    let form: ParsedBrandingForm;
    if (error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE') {
      form = { fields, logo: { fileName: error.field ?? 'logo', tooLarge: true } };
    } else if (error) {
      return next(new ValidationError('The branding form could not be read. Reload the page and try again.'));
    } else {
      const file = req.file;
      // A file input left empty still sends a part, with no name and no bytes: no new logo.
      form = {
        fields,
        ...(file && file.originalname ? { logo: { fileName: file.originalname, bytes: file.buffer } } : {}),
      };
    }
    res.locals.brandingForm = form;
    try {
      csrfProtection(req, res, next);
    } catch (refused) {
      next(refused);
    }
  });
};
