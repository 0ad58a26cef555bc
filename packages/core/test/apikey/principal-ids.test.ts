/**
 * apiKeyPairAuth lets a store of flat names accept wider principal ids (`store.principalIds`, e.g.
 * every Secrets Manager name), still checked before any store call; other stores keep API_KEY_ID.
 */
import { describe, expect, it } from 'vitest';
import { API_KEY_ID, SECRETS_MANAGER_NAME, apiKeyPairAuth } from '../../src/index.ts';

const RECORD = JSON.stringify({ token: 'principal-token-0123456789' });

function spyStore(principalIds?: RegExp) {
  const asked: string[] = [];
  return {
    asked,
    store: {
      principalIds,
      async get(id: string) {
        asked.push(id);
        return RECORD;
      },
    },
  };
}

const request = (id: string) => ({
  headers: { 'x-principal-id': id, 'x-principal-token': 'principal-token-0123456789' },
});

describe('principal ids per store', () => {
  it('SECRETS_MANAGER_NAME: letters, digits and /_+=.@-, up to 512, no . or .. segment', () => {
    for (const ok of ['svc', 'team/billing@prod', 'a+b=c.d_e-f', 'x'.repeat(512), 'a..b', '.hidden'])
      expect(SECRETS_MANAGER_NAME.test(ok)).toBe(true);
    for (const bad of ['', 'x'.repeat(513), 'a:b', 'a b', 'a%b', '../x', 'a/../b', 'a/.', '.', '..', 'a/./b'])
      expect(SECRETS_MANAGER_NAME.test(bad)).toBe(false);
  });

  it('a store declaring SECRETS_MANAGER_NAME gets such ids; a bad one never reaches it', async () => {
    const { asked, store } = spyStore(SECRETS_MANAGER_NAME);
    const auth = apiKeyPairAuth({ store });
    expect((await auth.authenticate(request('team/billing@prod')))?.subject).toBe('team/billing@prod');
    await expect(auth.authenticate(request('arn:aws:x'))).rejects.toMatchObject({ status: 401 });
    expect(asked).toEqual(['team/billing@prod']);
  });

  it('a store without principalIds only ever sees API_KEY_ID ids', async () => {
    const { asked, store } = spyStore();
    const auth = apiKeyPairAuth({ store });
    await expect(auth.authenticate(request('team/billing'))).rejects.toMatchObject({ status: 401 });
    await auth.authenticate(request('svc_billing-1'));
    expect(asked).toEqual(['svc_billing-1']);
    expect(asked.every((id) => API_KEY_ID.test(id))).toBe(true);
  });
});
