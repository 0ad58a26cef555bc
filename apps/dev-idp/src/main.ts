import { startDevIdp } from './index.ts';

// `pnpm --filter dev-idp start`: a long-running dev IdP (PORT, default 4000; HOST, default 127.0.0.1).
const port = Number(process.env.PORT ?? 4000);
const host = process.env.HOST ?? '127.0.0.1';
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`dev-idp: PORT must be an integer between 0 and 65535, got "${process.env.PORT}"`);
  process.exit(1);
}

const idp = await startDevIdp({ port, host });
console.log(`dev-idp issuer:   ${idp.issuer}`);
console.log(`dev-idp JWKS:     ${idp.jwksUri}`);
console.log(`dev-idp audience: ${idp.audience}`);
console.log('clients:');
for (const [name, c] of Object.entries(idp.clients)) {
  const secret = c.clientSecret ?? '(private_key_jwt)';
  console.log(
    `  ${name.padEnd(16)} ${c.tokenEndpointAuthMethod.padEnd(20)} secret=${secret.padEnd(20)} scopes=${c.scopes.join(' ') || '-'}`,
  );
}
console.log(`users: ${Object.keys(idp.users).join(', ')}`);

const shutdown = () => {
  idp.stop().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
