import type { AddressInfo } from 'node:net';
import type { ConformanceHarness } from '@auth/conformance';
import { serve } from '@hono/node-server';
import { createApp } from '../../../apps/hono-demo/src/app.ts';

/** Builds the Hono demo app (apps/hono-demo) and serves it with @hono/node-server on 127.0.0.1, port 0. */
export const honoHarness: ConformanceHarness = {
  name: 'hono',
  async start(config) {
    const { app, close } = createApp(config);
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    const { port } = server.address() as AddressInfo;
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      close: () =>
        new Promise<void>((resolve) => {
          close();
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          server.close(() => resolve());
        }),
    };
  },
};
