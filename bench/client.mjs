// pnpm bench:client — the token manager under load (sources imported through tsx, no build needed).
//  1. 1,000 concurrent getToken() calls on a cold source → token requests (target 1).
//  2. Soak: steady outgoing calls through authFetch for 60 s of token time with 10 s tokens, against a
//     local API that rejects expired tokens → 401s (target 0), refreshes (≈ 6) and when they happened.
//     By default the clock is injected and runs SPEED× faster than real time (60 s in ~6 s); pass
//     --real for a real-time 60 s run.
//  3. Fleet: 20 sources that start at the same instant → spread of their first refresh (jitter),
//     on a stepped virtual clock.
// Everything listens on 127.0.0.1.
import { createServer } from 'node:http';

// tsx (cwd bench/) reads bench/tsconfig.json, which maps @auth/core/client to its sources.
const { clientCredentials, authFetch } = await import('@auth/core/client');

const REAL = process.argv.includes('--real');
const SPEED = REAL ? 1 : 10;
const SOAK_SECONDS = 60;
const TOKEN_SECONDS = 10;
const CALL_EVERY_MS = 100; // token time between outgoing calls

const t0 = performance.now();
const start = Date.now();
const clock = () => start + (performance.now() - t0) * SPEED;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms / SPEED));

function listen(handler) {
  const server = createServer(handler);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${server.address().port}` }),
    ),
  );
}

// Token endpoint: opaque tokens valid TOKEN_SECONDS of (injected) clock time.
const issued = new Map();
let tokenRequests = 0;
let n = 0;
const idp = await listen((req, res) => {
  req.resume();
  req.on('end', () => {
    tokenRequests++;
    const token = `tok-${++n}`;
    issued.set(token, clock() + TOKEN_SECONDS * 1000);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: TOKEN_SECONDS }));
  });
});
// API: 401 for unknown or expired tokens.
let rejected = 0;
const api = await listen((req, res) => {
  const token = req.headers.authorization?.slice(7);
  const exp = issued.get(token);
  if (exp === undefined || clock() >= exp) {
    rejected++;
    res.writeHead(401).end();
    return;
  }
  res.writeHead(200).end('ok');
});

const baseOptions = {
  tokenEndpoint: `${idp.url}/token`,
  clientId: 'bench',
  clientSecret: 'bench-secret',
  allowInsecureRequests: true,
  clock,
  sleep,
};

// 1. Cold start stampede.
{
  tokenRequests = 0;
  const source = clientCredentials(baseOptions);
  const began = performance.now();
  const tokens = await Promise.all(Array.from({ length: 1000 }, () => source.getToken()));
  const ms = performance.now() - began;
  console.log(
    `concurrent getToken x1000: ${tokenRequests} token request(s) (target 1), ${new Set(tokens).size} distinct token, ${ms.toFixed(1)} ms`,
  );
}

// 2. Soak.
{
  tokenRequests = 0;
  rejected = 0;
  const refreshAges = [];
  let lastObtained;
  const source = clientCredentials({
    ...baseOptions,
    onRefresh: (t) => {
      if (lastObtained !== undefined) refreshAges.push((t.obtainedAtMs - lastObtained) / 1000);
      lastObtained = t.obtainedAtMs;
    },
  });
  const call = authFetch(source, { allowedOrigins: [api.url] });
  const soakStart = clock();
  let calls = 0;
  let non200 = 0;
  while (clock() - soakStart < SOAK_SECONDS * 1000) {
    const res = await call(`${api.url}/items`);
    await res.arrayBuffer();
    calls++;
    if (res.status !== 200) non200++;
    await sleep(CALL_EVERY_MS);
  }
  const refreshes = tokenRequests - 1;
  const ages = refreshAges.map((a) => a.toFixed(2)).join(', ');
  console.log(
    `soak ${SOAK_SECONDS} s (${REAL ? 'real time' : `injected clock at ${SPEED}x`}), ${TOKEN_SECONDS} s tokens, ${calls} calls: ` +
      `${rejected} upstream 401s (target 0), ${non200} failed calls, ${refreshes} refreshes (target ≈ 6)`,
  );
  console.log(`  token age at each refresh (s): ${ages}`);
}

// 3. Fleet: jitter spreads refreshes of instances that started together. A stepped virtual clock
//    (50 ms per step) makes this independent of machine load: a refresh is stamped when it is started.
{
  let fleetNow = clock();
  const fleetClock = () => fleetNow;
  const firstRefresh = [];
  const fleet = Array.from({ length: 20 }, () => {
    let first;
    let seen = false;
    return clientCredentials({
      ...baseOptions,
      clock: fleetClock,
      onRefresh: (t) => {
        if (first === undefined) first = t.obtainedAtMs;
        else if (!seen) {
          seen = true;
          firstRefresh.push((t.obtainedAtMs - first) / 1000);
        }
      },
    });
  });
  await Promise.all(fleet.map((s) => s.getToken()));
  for (let step = 0; firstRefresh.length < fleet.length && step < 400; step++) {
    fleetNow += 50;
    await Promise.all(fleet.map((s) => s.getToken()));
    await new Promise((r) => setTimeout(r, 1));
  }
  firstRefresh.sort((a, b) => a - b);
  const spread = firstRefresh.at(-1) - firstRefresh[0];
  console.log(
    `fleet of ${fleet.length}: first refresh at ${firstRefresh[0]?.toFixed(2)}–${firstRefresh.at(-1)?.toFixed(2)} s of a ${TOKEN_SECONDS} s token (spread ${spread.toFixed(2)} s by jitter)`,
  );
}

idp.server.close();
api.server.close();
