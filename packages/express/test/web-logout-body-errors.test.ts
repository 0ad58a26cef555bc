/**
 * POST /logout's form parser errors (too large, unsupported charset) are answered by webAuth itself
 * as `{status, code, message}` JSON like the Hono and Nest adapters, not handed to Express's default
 * error handler (an HTML page with a stack trace outside production).
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { webAuth } from '../src/index.ts';

const login = {
  issuer: 'http://127.0.0.1:9',
  clientId: 'web',
  clientSecret: 'web-secret',
  redirectUri: 'http://127.0.0.1:3001/callback',
  cookieKeys: [{ id: 'k1', secret: 'express-web-auth-test-secret-0123456789' }],
  allowInsecureRequests: true,
};

describe('POST /logout body parser failures (Express)', () => {
  it('an oversized or undecodable logout form is a JSON 4xx without a stack trace', async () => {
    const app = express();
    app.use(webAuth({ login }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const big = await fetch(`${url}/logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `csrf=${'a'.repeat(20_000)}`,
      });
      expect(big.status).toBe(413);
      expect(big.headers.get('content-type')).toMatch(/^application\/json/);
      const bigText = await big.text();
      expect(JSON.parse(bigText)).toMatchObject({ status: 413, code: 'ERR_BODY_TOO_LARGE' });
      expect(bigText).not.toMatch(/at |node_modules/);

      const charset = await fetch(`${url}/logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=x-unknown' },
        body: 'csrf=x',
      });
      expect(charset.status).toBe(415);
      const charsetText = await charset.text();
      expect(JSON.parse(charsetText)).toMatchObject({ status: 415 });
      expect(charsetText).not.toMatch(/at |node_modules/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
