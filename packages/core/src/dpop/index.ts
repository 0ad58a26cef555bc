// dpop: sender-constrained tokens on the resource server (RFC 9449).
export type { DpopOptions } from './dpop-options.ts';
export { dpopNonces } from './nonces.ts';
export type { DpopNonceSource, DpopNoncesOptions } from './nonces.ts';
export { memoryReplayStore } from './replay-store.ts';
export type { MemoryReplayStore, MemoryReplayStoreOptions, ReplayStore } from './replay-store.ts';
