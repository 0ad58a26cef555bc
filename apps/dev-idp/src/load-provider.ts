/// <reference path="./oidc-provider.d.ts" />
import type { Provider } from 'oidc-provider';

type ProviderClass = typeof Provider;
let loaded: Promise<ProviderClass> | undefined;

// oidc-provider 9 warns at import time that Node 20 is an unsupported runtime. It works on Node 20
// for everything the dev IdP does, so that one line is filtered out; every other warning passes.
export function loadProvider(): Promise<ProviderClass> {
  loaded ??= (async () => {
    const original = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('Unsupported runtime')) return;
      original(...args);
    };
    try {
      return (await import('oidc-provider')).default;
    } finally {
      console.warn = original;
    }
  })();
  return loaded;
}
