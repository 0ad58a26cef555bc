// Authorization checks/s: the indexed policies of @auth/core against a naive baseline (linear scan,
// parse per check), measured in the same run. Run: pnpm bench:authz (tsx loads the TS sources: bench/tsconfig.json
// maps @auth/core to them).
// `--ms=<n>` sets the length of each measurement (default 300 ms).
import { authzen, requireAnyScope, requireOrgPermission, requirePermission, requireScopes } from '@auth/core';
import { demoPolicy, startDevPdp } from 'dev-pdp';

const MS = Number(process.argv.find((a) => a.startsWith('--ms='))?.slice(5) ?? 300);
let sink = 0;

function measure(fn) {
  for (let i = 0; i < 2000; i++) fn(i); // warm up the JIT
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < MS) {
    for (let i = 0; i < 1000; i++) sink += fn(ops + i) ? 1 : 0;
    ops += 1000;
    now = performance.now();
  }
  return (ops / (now - start)) * 1000;
}

// ---- the naive baseline: a linear scan that splits each scope per check, as hand-written code does ----
const naiveHasScope = (scopes, s) => scopes.includes(s);
const ROLE = new Set(['owner', 'admin', 'member']);
function naiveHasAccess(scopes, action, resource) {
  const want = resource.split('.');
  const role = ROLE.has(action);
  for (const scope of scopes) {
    const colon = scope.indexOf(':');
    if (colon <= 0 || colon !== scope.lastIndexOf(':')) continue;
    const res = scope.slice(0, colon);
    const act = scope.slice(colon + 1);
    if (role && act !== action) continue;
    if (res === '*') {
      if (act === '**' || (want.length === 1 && (act === '*' || act === action))) return true;
      continue;
    }
    const segs = res.split('.');
    if (segs.length > want.length) continue;
    let prefix = true;
    for (let i = 0; i < segs.length; i++) if (segs[i] !== want[i]) prefix = false;
    if (!prefix) continue;
    if (act === '**') return true;
    if (segs.length === want.length && (act === '*' || act === action)) return true;
  }
  return false;
}

const principal = (scopes, organizations = []) => ({
  subject: 'u',
  issuer: 'i',
  audience: [],
  clientId: null,
  tokenUse: 'access',
  scopes,
  groups: [],
  organizations,
  expiresAtSeconds: null,
  issuedAtSeconds: null,
  claims: {},
});

const five = ['openid', 'profile', 'email', 'read:items', 'write:items'];
const fifty = [
  ...Array.from({ length: 47 }, (_, i) => `svc${i}.things.items:${i % 2 ? 'read' : 'write'}`),
  'projects.tasks:**',
  'users:*',
  'read:items',
];
const p5 = principal(five);
const p50 = principal(fifty);
const org = principal([], [{ id: 'org_1', scopes: fifty }]);

const flatAll = requireScopes('read:items');
const flatAny = requireAnyScope('admin:items', 'read:items');
const hierDeep = requirePermission('update', 'projects.tasks.comments');
const hierMiss = requirePermission('delete', 'svc3.things.items');
const orgCheck = requireOrgPermission('org_1', 'update', 'projects.tasks.comments');

const cases = [
  ['flat requireScopes, 5 scopes', () => flatAll(p5).allowed, () => naiveHasScope(p5.scopes, 'read:items')],
  [
    'flat requireScopes, 50 scopes',
    () => flatAll(p50).allowed,
    () => naiveHasScope(p50.scopes, 'read:items'),
  ],
  [
    'flat requireAnyScope, 50 scopes',
    () => flatAny(p50).allowed,
    () => naiveHasScope(p50.scopes, 'admin:items') || naiveHasScope(p50.scopes, 'read:items'),
  ],
  [
    'hierarchical granted (x:**, depth 3), 50 scopes',
    () => hierDeep(p50).allowed,
    () => naiveHasAccess(p50.scopes, 'update', 'projects.tasks.comments'),
  ],
  [
    'hierarchical denied (full scan), 50 scopes',
    () => hierMiss(p50).allowed,
    () => naiveHasAccess(p50.scopes, 'delete', 'svc3.things.items'),
  ],
  [
    'org permission, 50 org scopes',
    () => orgCheck(org).allowed,
    () =>
      naiveHasAccess(
        org.organizations.find((o) => o.id === 'org_1').scopes,
        'update',
        'projects.tasks.comments',
      ),
  ],
  // Cold: a fresh principal per "request" (index built once, then 3 checks), as a server sees it.
  [
    'cold request: new 50-scope principal + 3 hierarchical checks',
    () => {
      const p = principal([...fifty]);
      return hierDeep(p).allowed && !hierMiss(p).allowed && flatAll(p).allowed;
    },
    () => {
      const s = [...fifty];
      return (
        naiveHasAccess(s, 'update', 'projects.tasks.comments') &&
        !naiveHasAccess(s, 'delete', 'svc3.things.items') &&
        naiveHasScope(s, 'read:items')
      );
    },
  ],
];

const fmt = (n) => Math.round(n).toLocaleString('en-US').padStart(13);
console.log(`authz checks/s (node ${process.version}, ${MS} ms per measurement)`);
console.log(`${'case'.padEnd(62)} ${'indexed'.padStart(13)} ${'naive'.padStart(13)}  ratio`);
for (const [label, indexed, naive] of cases) {
  const a = measure(indexed);
  const b = measure(naive);
  console.log(`${label.padEnd(62)} ${fmt(a)} ${fmt(b)}  ${(a / b).toFixed(2)}x`);
}

// ---- remote decisions: authzen() against the dev PDP on loopback, vs a local policy, same run ----
async function measureAsync(fn) {
  for (let i = 0; i < 200; i++) await fn(i);
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < MS) {
    for (let i = 0; i < 100; i++) sink += (await fn(ops + i)).allowed ? 1 : 0;
    ops += 100;
    now = performance.now();
  }
  return (ops / (now - start)) * 1000;
}
async function latencies(fn, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    sink += (await fn(i)).allowed ? 1 : 0;
    out.push(performance.now() - t);
  }
  out.sort((a, b) => a - b);
  return { p50: out[Math.floor(n * 0.5)], p99: out[Math.floor(n * 0.99)] };
}

const pdp = await startDevPdp({ policy: demoPolicy(), port: 0 });
try {
  const member = principal(['read:items'], [{ id: 'org_1', scopes: [] }]);
  const resource = (_p, ctx) => ({
    type: 'document',
    id: ctx.params.id,
    properties: { orgID: 'org_1', ownerID: 'x' },
  });
  const warm = authzen({ pdp: pdp.url, resource, cache: { ttlMs: 600_000 }, breaker: false });
  const cold = authzen({ pdp: pdp.url, resource, breaker: false });
  const local = requireOrgPermission('org_1', 'read', 'projects');
  const memberWithScope = principal(['read:items'], [{ id: 'org_1', scopes: ['projects:read'] }]);
  const ctx = { method: 'GET', params: { id: 'doc_1' } };
  const localCall = async () => local(memberWithScope);

  console.log(`\nremote policy (authzen() → dev PDP on ${pdp.url}), awaited one at a time`);
  const warmOps = await measureAsync(() => warm(member, ctx));
  const localOps = await measureAsync(localCall);
  console.log(
    `${'warm decision cache: calls/s (vs local requireOrgPermission)'.padEnd(62)} ${fmt(warmOps)} ${fmt(localOps)}  ${(warmOps / localOps).toFixed(2)}x`,
  );
  const N = 2000;
  const coldLat = await latencies((i) => cold(member, { method: 'GET', params: { id: `doc_${i}` } }), N);
  const localLat = await latencies(localCall, N);
  console.log(
    `cold cache, ${N} distinct questions: p50 ${coldLat.p50.toFixed(3)} ms, p99 ${coldLat.p99.toFixed(3)} ms; local p99 ${localLat.p99.toFixed(4)} ms; added p99 ${(coldLat.p99 - localLat.p99).toFixed(3)} ms`,
  );
} finally {
  await pdp.stop();
}
if (sink < 0) console.log(sink);
