/**
 * `pnpm --filter @auth/aws start`: cognito-local on a free 127.0.0.1 port (PORT to choose one), with
 * the tests' user pool, app clients and groups created through the SDK; prints them as JSON and runs
 * until Ctrl-C.
 */
import { startCognitoLocal } from '../test/support/cognito-local.ts';

const cognito = await startCognitoLocal({ port: process.env.PORT ? Number(process.env.PORT) : undefined });
const { stop, ...info } = cognito;
console.log(JSON.stringify(info, null, 2));
const shutdown = () => {
  stop().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
