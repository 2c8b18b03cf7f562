// Reads a linter's JSON report on docs/openapi.json, prints its problems grouped by rule (count, then each place),
// and exits 1 when there is any error or warning. Used by tests/consumers/run.sh for the checks `spec-lint`
// (Redocly: it has no "fail on warnings" switch) and `spectral` (one readable summary instead of 100 lines).
//
//   node spec-report.mjs redocly output/redocly.json
//   node spec-report.mjs spectral output/spectral.json
import { readFileSync } from 'node:fs';

const [tool, file] = process.argv.slice(2);
if (!['redocly', 'spectral'].includes(tool) || !file) {
  console.error('usage: node spec-report.mjs redocly|spectral REPORT.json');
  process.exit(2);
}
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.error(`${tool}: no readable JSON report in ${file}: ${e.message}`);
  process.exit(1);
}

/** A place in the spec as `paths › /api/v1/me › get`. */
const place = (segments) => segments.filter((s) => s !== '').join(' › ') || '(root)';
const SPECTRAL_SEVERITY = ['error', 'warning', 'info', 'hint'];
/** One problem as { rule, severity, where, message }. */
const problems =
  tool === 'redocly'
    ? report.problems.map((p) => ({
        rule: p.ruleId,
        severity: p.severity === 'warn' ? 'warning' : p.severity,
        where: place(
          decodeURIComponent((p.location?.[0]?.pointer ?? '').replace(/^#\//, ''))
            .split('/')
            .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')),
        ),
        line: p.location?.[0]?.start?.line,
        message: p.message,
      }))
    : report.map((p) => ({
        rule: p.code,
        severity: SPECTRAL_SEVERITY[p.severity] ?? String(p.severity),
        where: place(p.path.map(String)),
        line: p.range?.start?.line + 1,
        message: p.message,
      }));

const groups = new Map();
for (const p of problems) {
  const key = `${p.severity} ${p.rule}`;
  if (!groups.has(key)) groups.set(key, { ...p, places: [] });
  groups.get(key).places.push(`${p.where}${p.line ? ` (line ${p.line})` : ''}`);
}
const order = { error: 0, warning: 1, info: 2, hint: 3 };
const sorted = [...groups.values()].sort((a, b) => order[a.severity] - order[b.severity] || b.places.length - a.places.length);
for (const g of sorted) {
  console.log(`${g.severity.padEnd(7)} ${g.rule} ×${g.places.length} (e.g. "${g.message}")`);
  const shown = g.places.slice(0, 100);
  for (const place of shown) console.log(`          ${place}`);
  if (g.places.length > shown.length) console.log(`          … and ${g.places.length - shown.length} more`);
}
const count = (s) => problems.filter((p) => p.severity === s).length;
// Warnings still open, each justified in docs/spec-consumers.md, at most as many as listed: a new rule, or one more
// place for a listed rule, fails the check; a listed warning that is gone should be deleted from the file.
const known = JSON.parse(readFileSync(new URL('./known-warnings.json', import.meta.url), 'utf8'))[tool] ?? {};
let failing = count('error');
for (const g of groups.values()) {
  if (g.severity !== 'warning') continue;
  const allowed = known[g.rule] ?? 0;
  if (g.places.length > allowed) failing += g.places.length - allowed;
  else console.log(`known   ${g.rule} ×${g.places.length} (allowed ${allowed}; see docs/spec-consumers.md)`);
}
console.log(
  `${tool}: ${count('error')} errors, ${count('warning')} warnings, ${count('info') + count('hint')} infos/hints` +
    (failing ? ' — errors and unlisted warnings fail this check (docs/spec-consumers.md)' : ''),
);
process.exit(failing ? 1 : 0);
