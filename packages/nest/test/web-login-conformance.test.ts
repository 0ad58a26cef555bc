import type { AddressInfo } from 'node:net';
import { webLoginConformance } from '@auth/conformance';
import { createApp, type Platform } from 'nest-demo/app';

// The contract's web-login rows against the Nest demo, once per HTTP platform.
for (const platform of ['express', 'fastify'] satisfies Platform[]) {
  webLoginConformance({
    name: `nest-${platform}`,
    async start() {
      throw new Error('only the web-login rows run here (see conformance.test.ts)');
    },
    async startWebLogin({ auth, web, port }) {
      const app = await createApp({ auth, web }, platform);
      await app.listen(port, '127.0.0.1');
      const address = app.getHttpServer().address() as AddressInfo;
      return { baseUrl: `http://127.0.0.1:${address.port}`, close: () => app.close() };
    },
  });
}
