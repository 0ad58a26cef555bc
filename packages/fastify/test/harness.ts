import type { AddressInfo } from 'node:net';
import type { ConformanceHarness } from '@auth/conformance';
import { createApp } from '../../../apps/fastify-demo/src/app.ts';

/** Builds the Fastify demo app (apps/fastify-demo) and serves it on 127.0.0.1, port 0. */
export const fastifyHarness: ConformanceHarness = {
  name: 'fastify',
  async start(config) {
    const app = await createApp(config);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      close: async () => {
        app.server.closeAllConnections();
        await app.close();
      },
    };
  },
};
