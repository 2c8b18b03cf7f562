// The Postman collection: generated from docs/openapi.json with openapi-to-postmanv2, then post-processed.
//
//   node postman.mjs generate        writes docs/postman/leadscore.postman_collection.json
//   BASE_URL=... ADMIN_EMAIL=... ADMIN_PASSWORD=... node postman.mjs run
//                                    runs the collection's "Happy path" folder with newman against a live server
//
// Post-processing (everything else is the converter's output):
// - the collection authenticates with Bearer {{accessToken}}; operations without `security` in the spec (sign-up,
//   login, refresh, logout, media, health, ready, metrics) are marked "No auth";
// - every login request stores `data.accessToken` (and `data.refreshToken`) into collection variables, so signing in
//   once authorises every other request; login bodies use {{adminEmail}} / {{adminPassword}};
// - request names are the first sentence of each operation's summary;
// - a "Happy path" folder, built from copies of the generated requests (a request that disappears from the spec
//   breaks the generation), with test scripts: this is what newman runs;
// - the output is deterministic (seeded example faker, ids derived from content), so regenerating an unchanged spec
//   leaves the committed file unchanged.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const SPEC = join(root, 'docs/openapi.json');
const COLLECTION = join(root, 'docs/postman/leadscore.postman_collection.json');

// ── generate ────────────────────────────────────────────────────────────────────────────────────────────────
function seededRandom(seed) {
  // mulberry32: the converter's example faker draws from Math.random; a fixed seed makes the output repeatable.
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function freezeClock(ms) {
  // The faker dates its date-time examples from "now"; a fixed clock keeps them stable too.
  const RealDate = Date;
  globalThis.Date = class extends RealDate {
    constructor(...args) {
      super(...(args.length ? args : [ms]));
    }
    static now() {
      return ms;
    }
  };
}

async function convert(specText) {
  // Seeded before the converter is loaded: some of its modules keep their own reference to Math.random.
  Math.random = seededRandom(9);
  freezeClock(Date.UTC(2026, 0, 1));
  const { default: Converter } = await import('openapi-to-postmanv2');
  return new Promise((ok, fail) => {
    Converter.convertV2(
      { type: 'string', data: specText },
      {
        folderStrategy: 'Tags',
        parametersResolution: 'Example',
        enableOptionalParameters: false, // optional query parameters are listed but disabled
        alwaysInheritAuthentication: true,
        includeAuthInfoInExample: false,
      },
      (err, res) => {
        if (err) return fail(err);
        if (!res.result) return fail(new Error(`openapi-to-postmanv2: ${res.reason}`));
        ok(res.output[0].data);
      },
    );
  });
}

const pathOf = (item) => '/' + item.request.url.path.map((s) => (s.startsWith(':') ? `{${s.slice(1)}}` : s)).join('/');
const keyOf = (item) => `${item.request.method} ${pathOf(item)}`;
const clone = (x) => JSON.parse(JSON.stringify(x));

function shortName(summary) {
  const flat = summary.replace(/\s+/g, ' ').trim();
  const m = flat.match(/^(.+?[.!?])(\s|$)/);
  return (m ? m[1] : flat).replace(/\.$/, '');
}

function script(lines) {
  return [{ listen: 'test', script: { type: 'text/javascript', exec: lines } }];
}

const STORE_TOKENS = [
  "pm.test('signed in (200)', () => pm.response.to.have.status(200));",
  'const body = pm.response.json();',
  "pm.collectionVariables.set('accessToken', body.data.accessToken);",
  "pm.collectionVariables.set('refreshToken', body.data.refreshToken);",
];

function expectSuccess(status = 200) {
  return [
    `pm.test('status ${status}', () => pm.response.to.have.status(${status}));`,
    "pm.test('success envelope', () => pm.expect(pm.response.json().status).to.eql('success'));",
  ];
}

function jsonBody(item, value) {
  item.request.body = {
    mode: 'raw',
    raw: JSON.stringify(value, null, 2),
    options: { raw: { headerFamily: 'json', language: 'json' } },
  };
}

function setQuery(item, params) {
  const q = item.request.url.query ?? [];
  for (const [key, value] of Object.entries(params)) {
    const existing = q.find((p) => p.key === key);
    if (!existing) throw new Error(`${keyOf(item)} has no query parameter ${key} in the spec`);
    for (const p of q.filter((p) => p.key === key && p !== existing)) q.splice(q.indexOf(p), 1);
    existing.value = String(value);
    existing.disabled = false;
  }
}

function setPathVar(item, key, value) {
  const v = item.request.url.variable.find((x) => x.key === key);
  if (!v) throw new Error(`${keyOf(item)} has no path variable ${key}`);
  v.value = value;
}

function stableIds(node, prefix = 'leadscore') {
  // Replace the converter's random UUIDs by ones derived from the item's position and name.
  if (Array.isArray(node)) return node.forEach((n, i) => stableIds(n, `${prefix}/${i}`));
  if (!node || typeof node !== 'object') return;
  if ('id' in node && typeof node.id === 'string' && /^[0-9a-f-]{36}$/.test(node.id)) {
    const h = createHash('sha256').update(`${prefix}/${node.name ?? ''}`).digest('hex');
    node.id = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }
  for (const [k, v] of Object.entries(node)) if (k !== 'id') stableIds(v, `${prefix}/${k}`);
}

async function generate() {
  const specText = readFileSync(SPEC, 'utf8');
  const spec = JSON.parse(specText);
  const c = await convert(specText);

  const publicOps = new Set();
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!op.security || op.security.length === 0) publicOps.add(`${method.toUpperCase()} ${path}`);
    }
  }

  const byKey = new Map();
  for (const folder of c.item) {
    for (const item of folder.item) {
      const key = keyOf(item);
      item.name = shortName(item.name);
      item.request.name = item.name;
      if (publicOps.has(key)) item.request.auth = { type: 'noauth' };
      else delete item.request.auth; // inherit the collection's bearer token
      if (key === 'POST /api/v1/auth/login') {
        jsonBody(item, { identifier: '{{adminEmail}}', password: '{{adminPassword}}' });
        item.event = script(STORE_TOKENS);
      }
      byKey.set(key, item);
    }
  }
  const op = (key) => {
    const item = byKey.get(key);
    if (!item) throw new Error(`the spec no longer has ${key}: update the happy path in tests/consumers/postman.mjs`);
    const copy = clone(item);
    delete copy.response; // the examples stay on the reference requests
    return copy;
  };

  // ── The happy path that newman runs, in order. ──
  const happy = [];
  const step = (name, item, tests) => {
    item.name = name;
    item.request.name = name;
    item.event = script(tests);
    happy.push(item);
    return item;
  };
  step('Ready', op('GET /ready'), expectSuccess());
  step('Sign in (stores accessToken)', op('POST /api/v1/auth/login'), STORE_TOKENS);
  step('Who am I', op('GET /api/v1/me'), [
    ...expectSuccess(),
    "pm.test('is the signed-in admin', () => pm.expect(pm.response.json().data.email).to.eql(pm.variables.get('adminEmail')));",
  ]);
  {
    // The spec's own example body, with a unique external id and e-mail so the request can be repeated.
    const item = op('POST /api/v1/customers');
    const body = JSON.parse(item.request.body.raw);
    body.externalId = 'PM-{{$timestamp}}-{{$randomInt}}';
    body.email = 'pm.{{$timestamp}}.{{$randomInt}}@bank.example';
    jsonBody(item, body);
    step('Add a customer (the spec example)', item, [
      ...expectSuccess(201),
      "pm.collectionVariables.set('customerId', pm.response.json().data.id);",
    ]);
  }
  {
    const item = op('GET /api/v1/customers');
    setQuery(item, { sortBy: 'balance', sortDir: 'desc', limit: 5 });
    step('List the 5 customers with the highest balance', item, [
      ...expectSuccess(),
      'const d = pm.response.json().data;',
      "pm.test('a page of at most 5, by balance descending', () => {",
      '  pm.expect(d.items.length).to.be.within(1, 5);',
      '  const b = d.items.map((c) => c.balance);',
      '  pm.expect(b).to.eql([...b].sort((x, y) => y - x));',
      '  pm.expect(d.pagination.itemsPerPage).to.eql(5);',
      '});',
    ]);
  }
  {
    const item = op('GET /api/v1/customers/{id}');
    setPathVar(item, 'id', '{{customerId}}');
    step('The added customer', item, [
      ...expectSuccess(),
      "pm.test('same id', () => pm.expect(pm.response.json().data.id).to.eql(pm.collectionVariables.get('customerId')));",
    ]);
  }
  {
    const item = op('POST /api/v1/customers/import');
    setQuery(item, { dryRun: 'true' });
    item.request.body.formdata = [{ key: 'file', type: 'file', src: 'model/data/bank.csv' }];
    step('Check an import of bank.csv (dry run)', item, [
      ...expectSuccess(),
      "pm.test('every row valid, nothing written', () => {",
      '  const r = pm.response.json().data;',
      '  pm.expect(r.dryRun).to.eql(true);',
      '  pm.expect(r.totalRows).to.eql(4521);',
      '  pm.expect(r.totalErrors).to.eql(0);',
      '});',
    ]);
  }
  step('Account totals (Admin)', op('GET /api/v1/users/stats'), expectSuccess());
  {
    const item = op('POST /api/v1/auth/refresh');
    jsonBody(item, { refreshToken: '{{refreshToken}}' });
    step('Refresh the tokens (stores the new accessToken)', item, STORE_TOKENS.slice(1).concat(expectSuccess()));
  }
  step('Who am I, with the refreshed token', op('GET /api/v1/me'), expectSuccess());
  {
    const item = op('POST /api/v1/auth/logout');
    jsonBody(item, { refreshToken: '{{refreshToken}}' });
    step('Sign out', item, expectSuccess());
  }

  c.item.unshift({
    name: 'Happy path',
    description:
      'Run in order (Collection Runner or `newman run ... --folder "Happy path"`): signs in as {{adminEmail}}, ' +
      'stores the access token, and walks through the main calls. Set baseUrl, adminEmail and adminPassword first. ' +
      'The import step reads model/data/bank.csv relative to the working directory (newman --working-dir <repo>).',
    item: happy,
  });
  c.auth = { type: 'bearer', bearer: [{ key: 'token', value: '{{accessToken}}', type: 'string' }] };
  c.variable = [
    { key: 'baseUrl', value: 'http://127.0.0.1:8080', type: 'string' },
    { key: 'adminEmail', value: 'admin@bank.example', type: 'string' },
    { key: 'adminPassword', value: '', type: 'string' },
    { key: 'accessToken', value: '', type: 'string' },
    { key: 'refreshToken', value: '', type: 'string' },
    { key: 'customerId', value: '', type: 'string' },
  ];
  c.info._postman_id = createHash('sha256').update(spec.info.title).digest('hex').replace(
    /^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/,
    '$1-$2-$3-$4-$5',
  );
  stableIds(c.item);

  mkdirSync(dirname(COLLECTION), { recursive: true });
  const text = JSON.stringify(c, null, 2) + '\n';
  let before = '';
  try {
    before = readFileSync(COLLECTION, 'utf8');
  } catch {}
  writeFileSync(COLLECTION, text);
  const n = c.item.slice(1).reduce((s, f) => s + f.item.length, 0);
  console.log(`postman: ${COLLECTION}: ${n} requests in ${c.item.length - 1} folders + ${happy.length} happy-path steps`);
  if (before && before !== text) {
    console.log('postman: NOTE the regenerated collection differs from the committed one: commit docs/postman/ with the spec.');
  }
}

// ── run ─────────────────────────────────────────────────────────────────────────────────────────────────────
async function run() {
  const { default: newman } = await import('newman');
  const need = (n) => process.env[n] ?? (console.error(`postman: ${n} is not set`), process.exit(2));
  const outDir = join(here, 'output');
  mkdirSync(outDir, { recursive: true });
  const summary = await new Promise((ok, fail) =>
    newman.run(
      {
        collection: JSON.parse(readFileSync(COLLECTION, 'utf8')),
        folder: 'Happy path',
        envVar: [
          { key: 'baseUrl', value: need('BASE_URL') },
          { key: 'adminEmail', value: need('ADMIN_EMAIL') },
          { key: 'adminPassword', value: need('ADMIN_PASSWORD') },
        ],
        workingDir: root,
        insecureFileRead: false,
        reporters: ['cli', 'json'],
        reporter: { json: { export: join(outDir, 'newman.json') } },
        timeoutRequest: 30_000,
      },
      (err, s) => (err ? fail(err) : ok(s)),
    ),
  );
  const failures = summary.run.failures.length;
  const stats = summary.run.stats;
  console.log(
    `postman: newman ran ${stats.requests.total} requests, ${stats.assertions.total} assertions, ${failures} failures`,
  );
  if (failures > 0 || stats.requests.total === 0) process.exit(1);
}

const cmd = process.argv[2];
if (cmd === 'generate') await generate();
else if (cmd === 'run') await run();
else {
  console.error('usage: node postman.mjs generate|run');
  process.exit(2);
}
