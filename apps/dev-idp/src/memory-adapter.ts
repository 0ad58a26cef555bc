// A per-instance in-memory store for oidc-provider models. It outlives the Provider object, so a
// key rotation (which rebuilds the Provider) keeps sessions, grants and refresh tokens.

type Payload = Record<string, unknown> & { grantId?: string; uid?: string; userCode?: string };

interface Entry {
  payload: Payload;
  expiresAt: number | undefined;
}

export interface AdapterInstance {
  upsert(id: string, payload: Payload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<Payload | undefined>;
  findByUid(uid: string): Promise<Payload | undefined>;
  findByUserCode(userCode: string): Promise<Payload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

export type AdapterClass = new (model: string) => AdapterInstance;

export function createMemoryAdapter(now: () => number = Date.now): AdapterClass {
  const store = new Map<string, Entry>();
  const grants = new Map<string, Set<string>>();

  let writes = 0;
  // Expired entries are dropped when read, and swept every 1000 writes so a long run stays bounded.
  const sweep = () => {
    const t = now();
    for (const [key, entry] of store)
      if (entry.expiresAt !== undefined && entry.expiresAt <= t) store.delete(key);
    for (const [grantId, members] of grants) {
      for (const key of members) if (!store.has(key)) members.delete(key);
      if (members.size === 0) grants.delete(grantId);
    }
  };

  const read = (key: string): Payload | undefined => {
    const entry = store.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= now()) {
      store.delete(key);
      return undefined;
    }
    return entry.payload;
  };

  return class MemoryAdapter implements AdapterInstance {
    readonly #model: string;

    constructor(model: string) {
      this.#model = model;
    }

    #key(id: string): string {
      return `${this.#model}:${id}`;
    }

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      if (++writes % 1000 === 0) sweep();
      const key = this.#key(id);
      const expiresAt = typeof expiresIn === 'number' ? now() + expiresIn * 1000 : undefined;
      store.set(key, { payload: { ...payload }, expiresAt });
      if (payload.grantId) {
        const members = grants.get(payload.grantId) ?? new Set<string>();
        members.add(key);
        grants.set(payload.grantId, members);
      }
      if (payload.uid) store.set(`uid:${this.#model}:${payload.uid}`, { payload: { id }, expiresAt });
      if (payload.userCode) {
        store.set(`userCode:${this.#model}:${payload.userCode}`, { payload: { id }, expiresAt });
      }
    }

    async find(id: string): Promise<Payload | undefined> {
      return read(this.#key(id));
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      const ref = read(`uid:${this.#model}:${uid}`);
      return typeof ref?.id === 'string' ? this.find(ref.id) : undefined;
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      const ref = read(`userCode:${this.#model}:${userCode}`);
      return typeof ref?.id === 'string' ? this.find(ref.id) : undefined;
    }

    async consume(id: string): Promise<void> {
      const payload = read(this.#key(id));
      if (payload) payload.consumed = Math.floor(now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      store.delete(this.#key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const key of grants.get(grantId) ?? []) store.delete(key);
      grants.delete(grantId);
    }
  };
}
