import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The sandbox is a development-only package: the product reaches it through one door. */
const SANDBOX = {
  group: ['@chronos/whop-sandbox', '@chronos/whop-sandbox/*'],
  message: 'Only src/dev/sandbox-launcher.ts loads the sandbox (development only).',
};

/** Redis or this process is chosen once (composition/shared-state.ts); services get a CacheService. */
const CACHE_CHOICE = {
  group: ['**/infra/cache/*'],
  importNames: ['createRedisCache', 'createMemoryCache'],
  message: 'Services receive their cache; only src/composition/shared-state.ts chooses Redis or memory.',
};

/** An import of a layer's folder (relative, from anywhere under src/). */
const layer = (name, why) => ({ group: [`**/${name}/*`, `**/${name}/**`], message: why });

/** The layers above the database: the app's models and everything that uses them. */
const ABOVE_DB = ['models', 'services', 'sessions', 'middleware', 'controllers', 'routes', 'views', 'jobs'];
/** Everything of the app but its pure definitions (src/domain) and settings (src/config). */
const APP = ['db', ...ABOVE_DB, 'observability', 'http'];

const RULES = [
  // The pure product rules (tiers, limits, features) depend on nothing of the app.
  {
    files: ['src/domain/**/*.ts'],
    forbidden: APP.map((name) => layer(name, 'src/domain holds pure definitions: it imports nothing of the app.')),
  },
  {
    files: ['src/infra/**/*.ts'],
    forbidden: ABOVE_DB.map((name) =>
      layer(name, 'Infrastructure (cache, locks, the work queue, storage) knows nothing of what uses it.'),
    ),
  },
  // Settings are read first, by everything: they know only the product's definitions.
  {
    files: ['src/config/**/*.ts'],
    forbidden: [...APP, 'infra', 'composition'].map((name) =>
      layer(name, 'src/config reads the environment: it imports only src/domain.'),
    ),
  },
  {
    files: ['src/http/**/*.ts'],
    forbidden: ['db', ...ABOVE_DB].map((name) =>
      layer(name, 'src/http holds shared HTTP facts (paths, the server): nothing of the layers above.'),
    ),
  },
  {
    files: ['src/observability/**/*.ts'],
    forbidden: ABOVE_DB.map((name) =>
      layer(name, 'Logs, metrics and error reports know nothing of what they observe.'),
    ),
  },
  {
    files: ['src/db/**/*.ts'],
    forbidden: ABOVE_DB.map((name) => layer(name, 'The database layer is below everything that uses it.')),
  },
  {
    files: ['src/models/**/*.ts'],
    forbidden: ['services', 'sessions', 'middleware', 'controllers', 'routes', 'views', 'jobs'].map((name) =>
      layer(name, 'Models import no services, sessions or HTTP layers.'),
    ),
  },
  // build-services.ts and its builders (composition/) are the composition root: they may wire what they like.
  {
    files: ['src/services/**/*.ts'],
    ignores: ['src/services/build-services.ts', 'src/services/composition/**'],
    forbidden: [
      ...['middleware', 'controllers', 'routes', 'sessions', 'views', 'jobs'].map((name) =>
        layer(
          name,
          'Services never import middleware, controllers, routes, sessions or views: they get plain values, not req/res.',
        ),
      ),
      CACHE_CHOICE,
    ],
  },
  {
    files: ['src/views/**/*.ts'],
    forbidden: ['sessions', 'middleware', 'controllers', 'routes', 'jobs'].map((name) =>
      layer(name, 'View helpers format what controllers hand them: no HTTP layers.'),
    ),
  },
  {
    files: ['src/jobs/**/*.ts'],
    forbidden: ['sessions', 'middleware', 'controllers', 'routes', 'views'].map((name) =>
      layer(name, 'Background jobs run services, never the HTTP layers.'),
    ),
  },
  {
    files: ['src/sessions/**/*.ts'],
    forbidden: ['middleware', 'controllers', 'routes'].map((name) =>
      layer(name, 'Sessions sit below the HTTP layers.'),
    ),
  },
  {
    files: ['src/middleware/**/*.ts'],
    forbidden: ['controllers', 'routes'].map((name) => layer(name, 'Middleware sits below controllers and routes.')),
  },
  {
    files: ['src/controllers/**/*.ts'],
    forbidden: [layer('routes', 'Controllers are wired by routes, never the other way.')],
  },
];

function layerRules() {
  const everywhere = {
    files: ['src/**/*.ts'],
    ignores: ['src/dev/sandbox-launcher.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [SANDBOX] }] },
  };
  return [
    everywhere,
    ...RULES.map(({ files, ignores, forbidden }) => ({
      files,
      ...(ignores ? { ignores } : {}),
      rules: { 'no-restricted-imports': ['error', { patterns: [SANDBOX, ...forbidden] }] },
    })),
  ];
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'var/**', 'coverage/**', 'public/**', 'scratch/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Rules that read the types: a promise nobody awaits or handles, a promise where a callback
    // must return nothing, a switch that misses a case of a union.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read settings through src/config/config.ts.' },
      ],
    },
  },
  {
    // Prettier wraps code at 120 columns but leaves strings, SQL and comments as they are: this
    // keeps those within 120 too (a URL may run longer).
    files: ['src/**/*.ts'],
    rules: { 'max-len': ['error', { code: 120, tabWidth: 2, ignoreUrls: true }] },
  },
  // The layers point down (docs/ARCHITECTURE.md). Each block names what its files may not
  // import; ESLint keeps only the last matching block's no-restricted-imports, so each repeats
  // the sandbox's door.
  ...layerRules(),
  {
    files: ['src/config/config.ts', 'test/support/test-env.ts', 'scripts/**', 'test/e2e/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
