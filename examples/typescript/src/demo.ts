// A small leadscore client: every call is typed by src/schema.d.ts, which `npm run generate` derives from
// docs/openapi.json. If the API changes in a way that breaks this code, `tsc --noEmit` fails (and so does CI).
//
//   LEADSCORE_URL=http://127.0.0.1:8080 LEADSCORE_EMAIL=admin@bank.example LEADSCORE_PASSWORD=... \
//   BANK_CSV=../../model/data/bank.csv npm run demo
//
// The script is a list of steps sharing one context — the same sales-ops story as tests/consumers/python/story.py:
// sign in and refresh the tokens, import the UCI sample, list (and filter) customers, score one of them (with the
// factors that explain the score) and a batch, create a campaign, run it and list its top leads, work a lead
// (status changes and a note), read its stats and the lift, the analytics overview and tiers, export customers as
// CSV and XLSX, and upload an avatar and fetch it back. Every value a step keeps is typed by the spec's named
// schemas (`CustomerDto`, `LeadDto`, ...), not by anonymous envelope types.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import zlib from 'node:zlib';
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.d.ts';

type Schemas = components['schemas'];
type Customer = Schemas['CustomerDto'];
type User = Schemas['UserDto'];
type Token = Schemas['TokenResponse'];
type ImportReport = Schemas['ImportReportDto'];
type Prediction = Schemas['PredictionDto'];
type BatchPrediction = Schemas['BatchPredictionDto'];
type Campaign = Schemas['CampaignDto'];
type RunReport = Schemas['RunReportDto'];
type Lead = Schemas['LeadDto'];
type Note = Schemas['NoteDto'];
type LeadStats = Schemas['LeadStatsDto'];
type Lift = Schemas['LiftDto'];

// Binary bodies must be described as binary (`type: string, format: binary`, which scripts/generate.mjs types as
// Blob): while the spec types an export or an image otherwise (`number[]`, `string`, `unknown`), tsc fails here with
// "Type 'number[]' is not assignable to type 'Blob'". Never called: a check for the compiler only.
type ExportContent = paths['/api/v1/customers/export']['get']['responses'][200]['content'];
type MediaContent = paths['/media/{key}']['get']['responses'][200]['content'];
function binaryBodiesAreBlobs(
  csv: ExportContent['text/csv'],
  xlsx: ExportContent['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  png: MediaContent['image/png'],
): Blob[] {
  return [csv, xlsx, png];
}
void binaryBodiesAreBlobs;

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
  refreshToken?: string;
  me?: User;
  imported?: number;
  topCustomers?: Customer[];
  prediction?: Prediction;
  campaign?: Campaign;
  lead?: Lead;
}

/** A small valid PNG (8×8 RGB gradient), made here so nothing is read from disk. */
function pngBytes(width = 8, height = 8): Uint8Array<ArrayBuffer> {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (bytes: Uint8Array) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
  const chunk = (kind: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(kind, 'ascii'), data]);
    return Buffer.concat([u32(data.length), body, u32(crc32(body))]);
  };
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    rows.push(0);
    for (let x = 0; x < width; x++) rows.push((x * 30) % 256, (y * 30) % 256, 128);
  }
  const ihdr = Buffer.concat([u32(width), u32(height), Buffer.from([8, 2, 0, 0, 0])]);
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', zlib.deflateSync(Buffer.from(rows))),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
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
      const tokens: Token = body.data;
      ctx.token = tokens.accessToken;
      ctx.refreshToken = tokens.refreshToken;
      ctx.me = tokens.user;
      // Every later request carries the access token.
      const auth: Middleware = {
        onRequest({ request }) {
          request.headers.set('Authorization', `Bearer ${ctx.token}`);
          return request;
        },
      };
      client.use(auth);
      console.log(`signed in as ${ctx.me.email} (${ctx.me.role}); token expires in ${tokens.expiresIn}s`);
    },
  ],
  [
    'refresh the tokens',
    async (ctx) => {
      const body = ok(
        'refresh',
        await client.POST('/api/v1/auth/refresh', { body: { refreshToken: ctx.refreshToken ?? null } }),
      );
      const tokens: Token = body.data;
      if (tokens.refreshToken === ctx.refreshToken) throw new Error('the refresh token was not rotated');
      ctx.token = tokens.accessToken; // the middleware sends the new access token from now on
      ctx.refreshToken = tokens.refreshToken;
      console.log(`refreshed: a new token pair, the access token valid until ${tokens.accessTokenExpiresAt}`);
    },
  ],
  [
    'who am I',
    async () => {
      const me: User = ok('me', await client.GET('/api/v1/me')).data;
      console.log(`GET /api/v1/me -> ${me.fullName ?? '(no name)'} <${me.email}>`);
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
      const r: ImportReport = body.data;
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
      const items: Customer[] = body.data.items;
      const { pagination } = body.data;
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
    'filter customers: managers over 30 with a housing loan',
    async () => {
      const body = ok(
        'filter customers',
        await client.GET('/api/v1/customers', {
          params: { query: { job: ['management'], ageMin: 30, housing: true, sortBy: 'age', sortDir: 'asc', limit: 10 } },
        }),
      );
      const items: Customer[] = body.data.items;
      if (items.length === 0 || items.some((c) => c.job !== 'management' || c.age < 30 || !c.housing)) {
        throw new Error(`the filter was not applied: ${JSON.stringify(items.map((c) => [c.job, c.age, c.housing]))}`);
      }
      console.log(`${body.data.pagination.totalItems} managers over 30 with a housing loan; youngest: ${items[0]!.age}`);
    },
  ],
  [
    'score a customer',
    async (ctx) => {
      const customer = ctx.topCustomers?.[0];
      if (!customer) throw new Error('no customer to score');
      const body = ok('predict', await client.POST('/api/v1/predictions', { body: { customerId: customer.id } }));
      const p: Prediction = body.data;
      ctx.prediction = p;
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
    'score a batch',
    async (ctx) => {
      const customers = ctx.topCustomers ?? [];
      if (customers.length < 3 || !ctx.prediction) throw new Error('no customers or prediction to compare with');
      const body = ok(
        'batch',
        await client.POST('/api/v1/predictions/batch', {
          body: { items: customers.slice(0, 3).map((c) => ({ customerId: c.id })) },
        }),
      );
      const batch: BatchPrediction = body.data;
      const items: Prediction[] = batch.items;
      if (batch.count !== 3 || items.some((p, i) => p.customerId !== customers[i]!.id || p.source !== 'batch')) {
        throw new Error(`unexpected batch ${JSON.stringify(batch)}`);
      }
      if (Math.abs(items[0]!.probability - ctx.prediction.probability) > 1e-9) {
        throw new Error('batch and single scoring disagree');
      }
      console.log(`batch of ${batch.count}: ${items.map((p) => p.probability.toFixed(3)).join(', ')}`);
    },
  ],
  [
    'list the top leads of a campaign',
    async (ctx) => {
      const created = ok(
        'create campaign',
        await client.POST('/api/v1/campaigns', {
          body: { name: `Demo ${new Date().toISOString()}`, targetLeads: 20, criteria: { ageMin: 25 } },
        }),
      );
      const campaign: Campaign = created.data;
      const id = campaign.id;
      ctx.campaign = campaign;
      const run = ok('run campaign', await client.POST('/api/v1/campaigns/{id}/run', { params: { path: { id } } }));
      const r: RunReport = run.data;
      console.log(
        `campaign ${created.data.name}: ${r.matched} customers matched, ${r.leads} leads ` +
          `(+${r.added} =${r.kept} -${r.removed}) in ${r.durationMs} ms with model ${r.modelVersion}`,
      );
      const body = ok(
        'list leads',
        await client.GET('/api/v1/campaigns/{id}/leads', { params: { path: { id }, query: { limit: 5 } } }),
      );
      const leads: Lead[] = body.data.items;
      ctx.lead = leads[0];
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
    'work a lead: Contacted, a note, Converted',
    async (ctx) => {
      const { campaign, lead } = ctx;
      if (!campaign || !lead) throw new Error('no campaign or lead');
      const path = { id: campaign.id, leadId: lead.id };
      const contacted: Lead = ok(
        'contact lead',
        await client.PATCH('/api/v1/campaigns/{id}/leads/{leadId}', { params: { path }, body: { status: 'Contacted' } }),
      ).data;
      const text = 'Called: interested in a term deposit, call back Friday.';
      const note: Note = ok(
        'add note',
        await client.POST('/api/v1/campaigns/{id}/leads/{leadId}/notes', {
          params: { path },
          body: { type: 'Feedback', text },
        }),
      ).data;
      const converted: Lead = ok(
        'convert lead',
        await client.PATCH('/api/v1/campaigns/{id}/leads/{leadId}', { params: { path }, body: { status: 'Converted' } }),
      ).data;
      const notes: Note[] = ok(
        'list notes',
        await client.GET('/api/v1/campaigns/{id}/leads/{leadId}/notes', { params: { path } }),
      ).data.items;
      if (contacted.status !== 'Contacted' || converted.status !== 'Converted' || note.text !== text) {
        throw new Error(`unexpected lead or note ${JSON.stringify({ contacted, converted, note })}`);
      }
      if (!notes.some((n) => n.id === note.id) || !notes.some((n) => n.type === 'System')) {
        throw new Error(`notes ${JSON.stringify(notes.map((n) => n.type))}`);
      }
      console.log(`lead #${lead.rank}: Pending -> Contacted -> Converted, notes ${notes.map((n) => n.type).join(', ')}`);
    },
  ],
  [
    'lead stats and lift',
    async (ctx) => {
      const campaign = ctx.campaign;
      if (!campaign) throw new Error('no campaign');
      const stats: LeadStats = ok(
        'lead stats',
        await client.GET('/api/v1/campaigns/{id}/leads/stats', { params: { path: { id: campaign.id } } }),
      ).data;
      const lift: Lift = ok(
        'lift',
        await client.GET('/api/v1/analytics/lift', { params: { query: { campaignId: campaign.id } } }),
      ).data;
      if (stats.totalLeads !== 20 || stats.converted !== 1 || lift.outcomes < 1) {
        throw new Error(`unexpected stats or lift ${JSON.stringify({ stats, lift })}`);
      }
      console.log(
        `stats: ${stats.totalLeads} leads, ${stats.pending} pending, ${stats.converted} converted; lift: ` +
          `${lift.outcomes} outcome(s)` +
          (lift.insufficientData ? ` — insufficient data (${lift.message})` : `, AUC ${lift.auc}`),
      );
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
  [
    'export customers as CSV and XLSX',
    async () => {
      const csv = await client.GET('/api/v1/customers/export', {
        params: { query: { format: 'csv', job: ['management'] } },
        parseAs: 'arrayBuffer',
      });
      const csvBytes = new Uint8Array(ok('export csv', csv));
      const header = new TextDecoder().decode(csvBytes.subarray(0, csvBytes.indexOf(10)));
      if (!['age', 'job', 'balance'].every((column) => header.includes(column))) {
        throw new Error(`CSV header ${JSON.stringify(header)}`);
      }
      const xlsx = await client.GET('/api/v1/customers/export', {
        params: { query: { format: 'xlsx', job: ['management'] } },
        parseAs: 'arrayBuffer',
      });
      const xlsxBytes = new Uint8Array(ok('export xlsx', xlsx));
      if (Buffer.from(xlsxBytes.subarray(0, 4)).toString('latin1') !== 'PK\x03\x04') {
        throw new Error(`the XLSX export is not a ZIP file: ${Buffer.from(xlsxBytes.subarray(0, 8)).toString('hex')}`);
      }
      console.log(`exports: CSV ${csvBytes.length} bytes (${header.slice(0, 60)}…), XLSX ${xlsxBytes.length} bytes (PK zip)`);
    },
  ],
  [
    'upload an avatar and fetch it back',
    async () => {
      const png = pngBytes();
      const me: User = ok(
        'set avatar',
        await client.PUT('/api/v1/me/avatar', {
          body: { file: new Blob([png], { type: 'image/png' }) },
          bodySerializer(b) {
            const form = new FormData();
            form.append('file', b.file, 'avatar.png');
            return form;
          },
        }),
      ).data;
      const url = me.avatarUrl;
      if (!url?.startsWith('/media/')) throw new Error(`avatarUrl ${JSON.stringify(url)}`);
      const key = url.slice('/media/'.length);
      const media = await client.GET('/media/{key}', { params: { path: { key } }, parseAs: 'arrayBuffer' });
      const got = new Uint8Array(ok(`GET /media/{key} (${key})`, media));
      const type = media.response.headers.get('content-type');
      if (type !== 'image/png' || Buffer.compare(got, png) !== 0) {
        throw new Error(`GET ${media.response.url}: ${type}, ${got.length} bytes, not the uploaded PNG`);
      }
      console.log(`avatar: ${png.length}-byte PNG uploaded; ${url} serves it back byte for byte`);
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
