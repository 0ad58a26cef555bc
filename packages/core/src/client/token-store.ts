import type { TokenSet, TokenStore } from './types.ts';

/**
 * The default store: one Map per token source, nothing shared, nothing persisted.
 *
 * @example
 * const tokens = clientCredentials({ ...options, store: new MemoryTokenStore() });
 */
export class MemoryTokenStore implements TokenStore {
  readonly #entries = new Map<string, TokenSet>();

  get(key: string): TokenSet | undefined {
    return this.#entries.get(key);
  }

  set(key: string, tokens: TokenSet): void {
    this.#entries.set(key, tokens);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}
