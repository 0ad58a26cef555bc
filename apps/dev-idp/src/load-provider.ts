/// <reference path="./oidc-provider.d.ts" />
import type { interactionPolicy, Provider } from 'oidc-provider';

type ProviderClass = typeof Provider;
type Loaded = { Provider: ProviderClass; interactionPolicy: typeof interactionPolicy };
let loaded: Promise<Loaded> | undefined;

// oidc-provider 9 warns at import time that Node 20 is an unsupported runtime. It works on Node 20
// for everything the dev IdP does, so that one line is filtered out; every other warning passes.
export async function loadProvider(): Promise<ProviderClass> {
  return (await loadOidcProvider()).Provider;
}

/** The oidc-provider module: the Provider class and its interaction policy helpers. */
export function loadOidcProvider(): Promise<Loaded> {
  loaded ??= (async () => {
    const original = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('Unsupported runtime')) return;
      original(...args);
    };
    try {
      const module = await import('oidc-provider');
      return { Provider: module.default, interactionPolicy: module.interactionPolicy };
    } finally {
      console.warn = original;
    }
  })();
  return loaded;
}
