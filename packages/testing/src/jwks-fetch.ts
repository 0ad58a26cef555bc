import {
  type JwksEndpoints,
  type Fault,
  type FaultOptions,
  JWKS_PATH,
  JwksResponder,
  type KeysInput,
} from './responder.ts';

export interface JwksFetchOptions {
  /** the keys to publish (see `setKeys`); `keys` is accepted as an alias */
  jwks?: KeysInput;
  keys?: KeysInput;
  /** the origin the fake answers for; default `https://jwks.test` (any host is answered) */
  baseUrl?: string;
  /** default `baseUrl` */
  issuer?: string;
  headers?: Record<string, string>;
}

/** A `fetch` that answers JWKS and discovery requests in memory, with counters and faults. */
export interface JwksFetch extends JwksEndpoints {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
}

const connectionRefused = () => {
  const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  return new TypeError('fetch failed', { cause });
};

/** An injectable `fetch` with the same endpoints, counters and faults as `startJwksServer`, no socket. */
export function jwksFetch(options: JwksFetchOptions = {}): JwksFetch {
  const url = (options.baseUrl ?? 'https://jwks.test').replace(/\/$/, '');
  const issuer = options.issuer ?? url;
  const responder = new JwksResponder(
    options.jwks ?? options.keys ?? [],
    () => ({ url, issuer }),
    options.headers,
  );

  const fetchImpl = async (
    input: string | URL | Request,
    init: RequestInit = {},
    hops = 0,
  ): Promise<Response> => {
    const request = input instanceof Request ? input : undefined;
    const target = new URL(request ? request.url : String(input));
    const signal = init.signal ?? request?.signal ?? undefined;
    signal?.throwIfAborted();
    let reply: Awaited<ReturnType<JwksResponder['reply']>>;
    try {
      reply = await responder.reply(target.pathname, signal);
    } catch (err) {
      throw signal?.aborted ? signal.reason : err;
    }
    if (reply.down) throw connectionRefused();
    const location = reply.headers.location;
    if (location && reply.status >= 300 && reply.status < 400) {
      const mode = init.redirect ?? request?.redirect ?? 'follow';
      if (mode === 'error') throw new TypeError('fetch failed', { cause: new Error('unexpected redirect') });
      if (mode === 'follow') {
        if (hops >= 20) throw new TypeError('fetch failed', { cause: new Error('redirect count exceeded') });
        return fetchImpl(new URL(location, target), { ...init, redirect: 'follow' }, hops + 1);
      }
    }
    const method = (init.method ?? request?.method ?? 'GET').toUpperCase();
    return new Response(method === 'HEAD' || reply.status === 302 ? null : reply.body, {
      status: reply.status,
      headers: reply.headers,
    });
  };

  const setFault = (fault: Fault | null, faultOptions?: FaultOptions) =>
    responder.setFault(fault, faultOptions);
  const fetchFn = ((input: string | URL | Request, init?: RequestInit) =>
    fetchImpl(input, init)) as JwksFetch;
  Object.defineProperties(fetchFn, {
    url: { value: url, enumerable: true },
    jwksUri: { value: `${url}${JWKS_PATH}`, enumerable: true },
    issuer: { value: issuer, enumerable: true },
    discoveryUrl: {
      value: `${(issuer.startsWith(url) ? issuer : url).replace(/\/$/, '')}/.well-known/openid-configuration`,
      enumerable: true,
    },
    counters: { value: responder.counters, enumerable: true },
    fault: { get: () => responder.fault, enumerable: true },
    resetCounters: { value: () => responder.resetCounters() },
    setKeys: { value: (keys: KeysInput) => responder.setKeys(keys) },
    setFault: { value: setFault },
    fail: { value: setFault },
    setDiscovery: { value: (extra: Record<string, unknown>) => responder.setDiscovery(extra) },
  });
  return fetchFn;
}
