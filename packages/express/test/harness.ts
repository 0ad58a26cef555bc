import type { AddressInfo } from 'node:net';
import type { ConformanceHarness } from '@auth/conformance';
import { createApp } from '../../../apps/express-demo/src/app.ts';

/** Builds the Express demo app (apps/express-demo) and serves it on 127.0.0.1, port 0. */
export const expressHarness: ConformanceHarness = {
  name: 'express',
  async start(config) {
    const { app, close } = createApp(config);
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const { port } = server.address() as AddressInfo;
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      close: () =>
        new Promise<void>((resolve) => {
          close();
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  },
};
