import { describe, expect, it } from 'vitest';
import { createMemoryAdapter } from '../src/memory-adapter.ts';

describe('createMemoryAdapter', () => {
  it('stores, expires, consumes and revokes by grant', async () => {
    let t = 1_000_000;
    const Adapter = createMemoryAdapter(() => t);
    const tokens = new Adapter('RefreshToken');
    const sessions = new Adapter('Session');
    await tokens.upsert('a', { grantId: 'g1', v: 1 }, 10);
    await tokens.upsert('b', { grantId: 'g2' });
    await sessions.upsert('a', { uid: 'u1', v: 2 });
    expect(await tokens.find('a')).toMatchObject({ v: 1 });
    expect(await sessions.find('a')).toMatchObject({ v: 2 });
    expect(await sessions.findByUid('u1')).toMatchObject({ v: 2 });

    await tokens.consume('b');
    expect((await tokens.find('b'))?.consumed).toBe(1000);

    t += 10_001;
    expect(await tokens.find('a')).toBeUndefined();

    await tokens.revokeByGrantId('g2');
    expect(await tokens.find('b')).toBeUndefined();
    await sessions.destroy('a');
    expect(await sessions.find('a')).toBeUndefined();
  });

  it('keeps separate stores per adapter factory, so two IdPs do not share state', async () => {
    const A = createMemoryAdapter();
    const B = createMemoryAdapter();
    await new A('Grant').upsert('x', { v: 1 });
    expect(await new B('Grant').find('x')).toBeUndefined();
  });

  it('sweeps expired entries while writing', async () => {
    let t = 0;
    const Adapter = createMemoryAdapter(() => t);
    const store = new Adapter('AccessToken');
    for (let i = 0; i < 999; i++) await store.upsert(`old-${i}`, { grantId: 'g' }, 1);
    t = 5_000;
    await store.upsert('trigger', { grantId: 'kept' }, 1);
    t = 0; // back in time: a swept entry stays gone even though it would now be "valid"
    expect(await store.find('old-0')).toBeUndefined();
    expect(await store.find('trigger')).toEqual({ grantId: 'kept' });
  });
});
