/**
 * Checks the creator API's answers against its OpenAPI 3.1 document: the document itself with
 * an OpenAPI validator (@seriousme/openapi-schema-validator), each response body with Ajv's
 * JSON Schema 2020-12 validator (the dialect of OpenAPI 3.1) and the document's schemas. It also
 * records which documented answers (method, path, status) a test run saw, so a test can require
 * that every one of them was produced at least once: an endpoint added to the document without
 * a test that calls it fails that check.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a default export; under NodeNext its function is `.default`.
const addFormats = addFormatsModule.default;

const DOCUMENT_ID = 'https://chronos.test/api/v1/openapi.json';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Json = Record<string, unknown>;

interface Operation {
  responses: Record<string, Json>;
}

export async function validateOpenApiDocument(
  document: unknown,
): Promise<{ valid: boolean; errors?: unknown; version?: string }> {
  const validator = new Validator();
  const result = await validator.validate(document as Record<string, unknown>);
  return { ...result, version: validator.version };
}

export interface OpenApiContract {
  /** Throws naming the answer when the status is not documented or the body does not fit its schema. */
  check(method: string, path: string, status: number, body: unknown): void;
  /**
   * What the document promises that no check has seen yet: each operation's success answers
   * (`GET /videos 200`) and each shared refusal (`response BadRequest`, on any operation).
   */
  unseen(): string[];
}

export function openApiContract(document: Json): OpenApiContract {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  // The document's top-level members are not JSON Schema keywords: declared, they are left alone.
  ajv.addVocabulary(['openapi', 'info', 'servers', 'security', 'paths', 'components']);
  ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  const paths = document.paths as Record<string, Record<string, unknown>>;
  const components = document.components as { responses: Record<string, Json> };
  const seen = new Set<string>();

  const templates = Object.keys(paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));

  function resolveResponse(response: Json): Json {
    const ref = response.$ref;
    if (typeof ref !== 'string') return response;
    const name = ref.replace('#/components/responses/', '');
    const resolved = components.responses[name];
    if (!resolved) throw new Error(`the document refers to a missing response ${ref}`);
    return resolved;
  }

  return {
    check(method, path, status, body) {
      const pathname = new URL(path, 'http://x').pathname.replace(/^\/api\/v1/, '');
      const match = templates.find((t) => t.pattern.test(pathname));
      if (!match) throw new Error(`${method} ${path}: no path of the document matches ${pathname}`);
      const operation = paths[match.template]![method.toLowerCase()] as Operation | undefined;
      if (!operation) throw new Error(`${method} ${match.template}: not documented`);
      const documented = operation.responses[String(status)];
      if (!documented)
        throw new Error(`${method} ${match.template} answered ${status}, which the document does not list`);
      if (typeof documented.$ref === 'string')
        seen.add(`response ${documented.$ref.replace('#/components/responses/', '')}`);
      const content = resolveResponse(documented).content as Record<string, { schema: { $ref?: string } }> | undefined;
      const ref = content?.['application/json']?.schema.$ref;
      if (!ref) throw new Error(`${method} ${match.template} ${status}: no JSON schema by reference`);
      const validate = ajv.getSchema(`${DOCUMENT_ID}${ref}`);
      if (!validate) throw new Error(`${ref}: not in the document`);
      if (!validate(body))
        throw new Error(
          `${method} ${path} ${status} does not fit ${ref}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`,
        );
      seen.add(`${method.toUpperCase()} ${match.template} ${status}`);
    },
    unseen() {
      const all = Object.keys(components.responses).map((name) => `response ${name}`);
      for (const [template, item] of Object.entries(paths))
        for (const method of METHODS) {
          const operation = item[method] as Operation | undefined;
          if (!operation) continue;
          for (const status of Object.keys(operation.responses))
            if (status.startsWith('2')) all.push(`${method.toUpperCase()} ${template} ${status}`);
        }
      return all.filter((answer) => !seen.has(answer));
    },
  };
}
