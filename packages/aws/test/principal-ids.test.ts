/**
 * Service principals kept in Secrets Manager under their own names (letters, digits and /_+=.@-,
 * up to 512 characters with the prefix) authenticate as they are; anything else is refused before
 * any call to AWS. Stores without `principalIds` keep core's strict id syntax.
 */
import { apiKeyPairAuth, memorySecretStore } from '@auth/core';
import { describe, expect, it } from 'vitest';
import { secretsManagerStore } from '../src/index.ts';

const RECORD = JSON.stringify({ token: 'principal-token-0123456789', id: 'billing-service' });

function fakeClient(secrets: Record<string, string>) {
  const asked: string[] = [];
  const client = {
    async send(command: { input: { SecretId?: string } }) {
      const id = command.input.SecretId ?? '';
      asked.push(id);
      const secret = secrets[id];
      if (secret === undefined)
        throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
      return { SecretString: secret };
    },
  };
  return { asked, client: client as never };
}

const request = (id: string, token = 'principal-token-0123456789') => ({
  headers: { 'x-principal-id': id, 'x-principal-token': token },
});

describe('principal ids that are Secrets Manager names', () => {
  it.each(['team/billing@prod', 'svc.billing+v2=eu', 'a', 'x'.repeat(500)])(
    '%s reaches Secrets Manager and authenticates',
    async (id) => {
      const { asked, client } = fakeClient({ [`p/${id}`]: RECORD });
      const auth = apiKeyPairAuth({ store: secretsManagerStore({ prefix: 'p/', client }) });
      const principal = await auth.authenticate(request(id));
      expect(principal?.subject).toBe('billing-service');
      expect(asked).toEqual([`p/${id}`]);
    },
  );

  it.each([
    ['a colon (an ARN)', 'arn:aws:secretsmanager:eu-west-1:1:secret:x'],
    ['a space', 'team billing'],
    ['too long with the prefix', 'x'.repeat(511)],
    ['a percent sign', 'a%2Fb'],
    ['a .. segment', '../../other-secret'],
    ['a . segment', 'team/./billing'],
  ])('an id with %s is refused before any AWS call', async (_what, id) => {
    const { asked, client } = fakeClient({});
    const auth = apiKeyPairAuth({ store: secretsManagerStore({ prefix: 'p/', client }) });
    await expect(auth.authenticate(request(id))).rejects.toMatchObject({ code: 'ERR_AUTH_INVALID_API_KEY' });
    expect(asked).toEqual([]);
  });

  it('allowedIds may be secret names too', async () => {
    const { asked, client } = fakeClient({ 'team/billing@prod': RECORD });
    const auth = apiKeyPairAuth({
      store: secretsManagerStore({ allowedIds: ['team/billing@prod'], client }),
    });
    expect((await auth.authenticate(request('team/billing@prod')))?.subject).toBe('billing-service');
    expect(asked).toEqual(['team/billing@prod']);
  });

  it('a store without principalIds keeps the strict syntax (no / or . reaches it)', async () => {
    const store = memorySecretStore({ 'team/billing': JSON.parse(RECORD) });
    const auth = apiKeyPairAuth({ store });
    await expect(auth.authenticate(request('team/billing'))).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_API_KEY',
    });
  });

  it('a store with an unanchored principalIds pattern is a setup error', () => {
    expect(() => apiKeyPairAuth({ store: { get: async () => undefined, principalIds: /[a-z]+/ } })).toThrow(
      'apiKeyPairAuth(): store.principalIds must be an anchored RegExp (^…$) without the g or y flag',
    );
  });
});
