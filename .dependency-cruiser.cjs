// The allowed directions between bounded contexts (docs/architecture.md), as data.
// A context may import its own files, and only the `index.ts` of the contexts listed here.
const allowed = {
  domain: [],
  store: ['domain'],
  privacy: ['domain', 'store'],
  ledger: ['domain', 'store'],
  guard: ['domain', 'store', 'ledger', 'privacy'],
  ingest: ['domain', 'store', 'ledger', 'privacy'],
  detect: ['domain', 'store'],
  attribute: ['domain', 'store', 'ledger', 'privacy'],
  cases: ['domain', 'store', 'ledger', 'privacy', 'guard', 'ingest', 'detect', 'attribute'],
  sim: ['domain', 'ingest'],
  stream: ['domain'],
  server: [
    'domain',
    'store',
    'ledger',
    'privacy',
    'guard',
    'ingest',
    'detect',
    'attribute',
    'cases',
    'stream',
  ],
  cli: [
    'domain',
    'store',
    'ledger',
    'privacy',
    'guard',
    'ingest',
    'detect',
    'attribute',
    'cases',
    'sim',
    'server',
    'stream',
  ],
};

const contexts = Object.keys(allowed);

const directionRules = contexts.map((from) => ({
  name: `direction-${from}`,
  comment: `${from} may use only: ${allowed[from].join(', ') || 'nothing'} (docs/architecture.md)`,
  severity: 'error',
  from: { path: `^src/${from}/` },
  to: {
    path: '^src/',
    pathNot: [`^src/${from}/`, ...allowed[from].map((to) => `^src/${to}/`)],
  },
}));

module.exports = {
  forbidden: [
    ...directionRules,
    {
      name: 'public-entry-only',
      comment: 'Another context is imported only through its index.ts.',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/([^/]+)/.+', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'no-unknown-context',
      comment: `Every folder under src/ is one of the contexts: ${contexts.join(', ')}.`,
      severity: 'error',
      from: { path: '^src/' },
      to: { path: `^src/(?!(${contexts.join('|')})/)` },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-test-code-in-product',
      comment: 'Product code never imports tests or test fixtures.',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.(test|contract)\\.ts$' },
      to: { path: ['\\.(test|contract)\\.ts$', '^test/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
