import type { AddressInfo } from 'node:net';
import { runConformance } from '@auth/conformance';
import { createApp, type Platform } from '../../../apps/nest-demo/src/create-app.ts';

// The contract's suite against the Nest demo module, once per HTTP platform.
for (const platform of ['express', 'fastify'] satisfies Platform[]) {
  runConformance({
    name: `nest-${platform}`,
    async start(config) {
      const app = await createApp(config, platform);
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as AddressInfo;
      return { baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
    },
  });
}
