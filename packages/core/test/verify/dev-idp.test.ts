/**
 * Real tokens from the dev identity provider (oidc-provider on 127.0.0.1): discovery, client-credentials
 * access tokens (RFC 9068 at+jwt), login id tokens, and key rotation. Both backends.
 */
import { type DevIdp, startDevIdp } from 'dev-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from '../../src/verify/create-verifier.ts';
import { BACKENDS, withBackend } from '../fixtures/verify-backends.ts';

let idp: DevIdp;
beforeAll(async () => {
  idp = await startDevIdp({ port: 0 });
});
afterAll(async () => {
  await idp?.stop();
});

describe.each(BACKENDS)('dev-IdP tokens (%s backend)', (_name, backend) => {
  const accessVerifier = () =>
    createVerifier(
      withBackend(
        {
          issuers: [
            {
              issuer: idp.issuer,
              audience: idp.audience,
              typ: 'at+jwt',
              algorithms: ['RS256', 'ES256', 'EdDSA', 'PS256'],
            },
          ],
        },
        backend,
      ),
    );

  it('verifies client-credentials access tokens found through discovery', async () => {
    const v = accessVerifier();
    const token = await idp.getToken('writer');
    const p = await v.verify(token);
    expect(p).toMatchObject({ issuer: idp.issuer, clientId: 'writer', tokenUse: 'access' });
    expect(p.scopes).toEqual(expect.arrayContaining(['read:items', 'write:items']));
    const admin = await v.verify(await idp.getToken('admin'));
    expect(admin.groups).toContain('admin');
    const org = await v.verify(await idp.getToken('org-member'));
    expect(org.organizations).toEqual([{ id: 'org_1', scopes: ['projects:read'] }]);
    v.close();
  });

  it('rejects the id token as an access token, and accepts it with tokenUse id', async () => {
    const { id_token, access_token } = await idp.loginAs('alice');
    const v = accessVerifier();
    await expect(v.verify(id_token)).rejects.toMatchObject({ status: 401 });
    await expect(v.verify(access_token)).resolves.toMatchObject({ subject: 'alice' });
    const idVerifier = createVerifier(
      withBackend({ issuers: [{ issuer: idp.issuer, audience: 'web', tokenUse: 'id' }] }, backend),
    );
    await expect(idVerifier.verify(id_token)).resolves.toMatchObject({ subject: 'alice', tokenUse: 'id' });
    await expect(idVerifier.verify(access_token)).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_TOKEN_USE',
    });
  });

  it('follows a key rotation with one refetch', async () => {
    const v = accessVerifier();
    await v.verify(await idp.getToken('reader'));
    await idp.rotateKeys();
    await expect(v.verify(await idp.getToken('reader'))).resolves.toMatchObject({ clientId: 'reader' });
  });
});
