// A small leadscore client: every call is typed by src/schema.d.ts, which `npm run generate` derives from
// docs/openapi.json. If the API changes in a way that breaks this code, `tsc --noEmit` fails (and so does CI).
//
//   LEADSCORE_URL=http://127.0.0.1:8080 LEADSCORE_EMAIL=admin@bank.example LEADSCORE_PASSWORD=... \
//   BANK_CSV=../../model/data/bank.csv npm run demo
//
// The script is a list of steps sharing one context: sign in, import the UCI sample, list the customers with the
// highest balance, score one of them (with the factors that explain the score), create a campaign, run it and list
// its top leads, then read the analytics: the overview and the conversion observed per score tier.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.d.ts';

type Customer = components['schemas']['Envelope_Paginated_CustomerDto']['data']['items'][number];
type User = components['schemas']['UserDto'];

const baseUrl = process.env.LEADSCORE_URL ?? 'http://127.0.0.1:8080';
const email = required('LEADSCORE_EMAIL');
const password = required('LEADSCORE_PASSWORD');
const bankCsv = process.env.BANK_CSV ?? new URL('../../../model/data/bank.csv', import.meta.url).pathname;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const client = createClient<paths>({ baseUrl });

/** What the steps hand to each other. */
interface Context {
  token?: string;
  me?: User;
  imported?: number;
  topCustomers?: Customer[];
}

/** Fails the script with the API's own message when a call did not succeed. */
function ok<T>(what: string, result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) {
    throw new Error(`${what}: HTTP ${result.response.status} ${JSON.stringify(result.error)}`);
  }
  return result.data;
}

const steps: Array<[string, (ctx: Context) => Promise<void>]> = [
  [
    'sign in',
    async (ctx) => {
      const body = ok('login', await client.POST('/api/v1/auth/login', { body: { identifier: email, password } }));
      ctx.token = body.data.accessToken;
      ctx.me = body.data.user;
      // Every later request carries the access token.
      const auth: Middleware = {
        onRequest({ request }) {
          request.headers.set('Authorization', `Bearer ${ctx.token}`);
          return request;
        },
      };
      client.use(auth);
      console.log(`signed in as ${ctx.me.email} (${ctx.me.role}); token expires in ${body.data.expiresIn}s`);
    },
  ],
  [
    'who am I',
    async () => {
      const body = ok('me', await client.GET('/api/v1/me'));
      console.log(`GET /api/v1/me -> ${body.data.fullName ?? '(no name)'} <${body.data.email}>`);
    },
  ],
  [
    'import the sample bank.csv',
    async (ctx) => {
      const file = new Blob([readFileSync(bankCsv)], { type: 'text/csv' });
      const body = ok(
        'import',
        await client.POST('/api/v1/customers/import', {
          params: { query: { mode: 'strict', onConflict: 'skip' } },
          body: { file },
          // multipart/form-data with the file in field `file`; fetch sets the boundary.
          bodySerializer(b) {
            const form = new FormData();
            form.append('file', b.file, basename(bankCsv));
            return form;
          },
        }),
      );
      const r = body.data;
      ctx.imported = r.created;
      console.log(
        `imported ${basename(bankCsv)}: ${r.totalRows} rows, ${r.created} created, ${r.updated} updated, ` +
          `${r.skipped} skipped, ${r.rejected} rejected, ${r.totalErrors} errors in ${r.durationMs} ms`,
      );
      if (r.totalErrors > 0 || r.created + r.skipped + r.updated !== r.totalRows) {
        throw new Error(`the import did not take every row: ${JSON.stringify(r)}`);
      }
    },
  ],
  [
    'list the 5 customers with the highest balance',
    async (ctx) => {
      const body = ok(
        'list customers',
        await client.GET('/api/v1/customers', {
          params: { query: { sortBy: 'balance', sortDir: 'desc', limit: 5, page: 1 } },
        }),
      );
      const { items, pagination } = body.data;
      ctx.topCustomers = items;
      console.log(`customers: ${pagination.totalItems} in all; the top ${items.length} by balance:`);
      console.table(
        items.map((c) => ({
          id: c.id,
          age: c.age,
          job: c.job,
          marital: c.marital,
          education: c.education,
          balance: c.balance,
          housing: c.housing,
          loan: c.loan,
        })),
      );
      const balances = items.map((c) => c.balance);
      if (items.length !== 5 || balances.some((b, i) => i > 0 && b > balances[i - 1]!)) {
        throw new Error(`expected 5 customers in descending balance order, got ${JSON.stringify(balances)}`);
      }
    },
  ],
  [
    'score a customer',
    async (ctx) => {
      const customer = ctx.topCustomers?.[0];
      if (!customer) throw new Error('no customer to score');
      const body = ok('predict', await client.POST('/api/v1/predictions', { body: { customerId: customer.id } }));
      const p = body.data;
      console.log(
        `customer ${customer.id}: probability ${p.probability.toFixed(4)}, score ${p.score}, tier ${p.tier}, ` +
          `predicted ${p.predictedClass} (model ${p.modelVersion})`,
      );
      for (const f of p.factors.raised) {
        console.log(`  raised by  ${f.feature} = ${JSON.stringify(f.value)}: +${f.impact.toFixed(2)} points`);
      }
      for (const f of p.factors.lowered) {
        console.log(`  lowered by ${f.feature} = ${JSON.stringify(f.value)}: ${f.impact.toFixed(2)} points`);
      }
      if (p.customerId !== customer.id || p.probability < 0 || p.probability > 1) {
        throw new Error(`unexpected prediction ${JSON.stringify(p)}`);
      }
    },
  ],
  [
    'list the top leads of a campaign',
    async () => {
      const created = ok(
        'create campaign',
        await client.POST('/api/v1/campaigns', {
          body: { name: `Demo ${new Date().toISOString()}`, targetLeads: 20, criteria: { ageMin: 25 } },
        }),
      );
      const id = created.data.id;
      const run = ok('run campaign', await client.POST('/api/v1/campaigns/{id}/run', { params: { path: { id } } }));
      const r = run.data;
      console.log(
        `campaign ${created.data.name}: ${r.matched} customers matched, ${r.leads} leads ` +
          `(+${r.added} =${r.kept} -${r.removed}) in ${r.durationMs} ms with model ${r.modelVersion}`,
      );
      const body = ok(
        'list leads',
        await client.GET('/api/v1/campaigns/{id}/leads', { params: { path: { id }, query: { limit: 5 } } }),
      );
      const leads = body.data.items;
      console.table(
        leads.map((l) => ({
          rank: l.rank,
          name: l.customer.name,
          job: l.customer.job,
          score: l.score,
          tier: l.tier,
          status: l.status,
        })),
      );
      const probabilities = leads.map((l) => l.probability);
      if (leads.length !== 5 || probabilities.some((p, i) => i > 0 && p > probabilities[i - 1]!)) {
        throw new Error(`expected 5 leads by descending probability, got ${JSON.stringify(probabilities)}`);
      }
    },
  ],
  [
    'do high scores convert more? (analytics)',
    async (ctx) => {
      const overview = ok('overview', await client.GET('/api/v1/analytics/overview')).data;
      const c = overview.customers;
      console.log(
        `overview: ${c.total} customers, ${c.scored} scored, ${overview.predictions.total} predictions ` +
          `(model ${overview.modelVersion}, threshold ${overview.decisionThreshold})`,
      );
      const tiers = ok('tiers', await client.GET('/api/v1/analytics/tiers')).data;
      console.table(
        tiers.map((t) => ({
          tier: t.tier ?? '(not scored)',
          customers: t.customers,
          withOutcome: t.customersWithOutcome,
          conversionRate: t.customerConversionRate?.toFixed(3) ?? '—',
        })),
      );
      // The imported sample carries its known outcome (y), so the tiers can be checked against it.
      if (c.total < (ctx.imported ?? 0) || c.withOutcome === 0 || tiers.length !== 4) {
        throw new Error(`unexpected analytics ${JSON.stringify({ overview, tiers })}`);
      }
    },
  ],
];

const ctx: Context = {};
for (const [name, run] of steps) {
  try {
    await run(ctx);
  } catch (e) {
    console.error(`demo: step "${name}" failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
console.log(`demo: OK (${steps.length} steps)`);
