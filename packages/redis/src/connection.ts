/**
 * One way to send a command to a node-redis client or cluster (the user's connection, or one made by
 * `connectRedis`), with a deadline: a Redis that is down, paused or full answers with a typed error
 * in bounded time, never a hang.
 */
import { ConfigurationError } from '@auth/core';
import { createHash } from 'node:crypto';

/**
 * A node-redis single-node client (`createClient()`), structurally: what this package calls on it.
 *
 * @example
 * const client: RedisNodeLike = await createClient({ url: 'redis://127.0.0.1:6379' }).connect();
 */
export interface RedisNodeLike {
  sendCommand(args: ReadonlyArray<string>, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/**
 * A node-redis cluster client (`createCluster()`), structurally.
 *
 * @example
 * const cluster: RedisClusterLike = await createCluster({ rootNodes: [{ url: 'redis://127.0.0.1:7000' }] }).connect();
 */
export interface RedisClusterLike {
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: Array<string>,
    options?: { abortSignal?: AbortSignal },
  ): Promise<unknown>;
  readonly masters: unknown;
}

/**
 * A connected node-redis client or cluster. The package never connects, closes or reconfigures it.
 *
 * @example
 * const redis: RedisConnection = await createClient({ url: process.env.REDIS_URL }).connect();
 * const tokens = redisTokenStore({ redis });
 */
export type RedisConnection = RedisNodeLike | RedisClusterLike;

/**
 * Redis could not answer in time (down, paused, full, or the connection is closed). The message and
 * the cause name the command, never a key's value.
 *
 * @example
 * try { await store.get('k'); } catch (e) { if (e instanceof RedisUnavailableError) log.warn(e.message); }
 */
export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
  readonly code = 'ERR_REDIS_UNAVAILABLE';
  constructor(command: string, reason: string) {
    super(`Redis did not answer ${command}: ${reason}`);
  }
}

/** Options every store of this package shares. */
export interface RedisStoreOptions {
  /** A connected node-redis client or cluster (`createClient(...).connect()`), shared with the app. */
  redis: RedisConnection;
  /** Prefix of every key (default `auth:`); keys used together share a `{hash tag}` after it. */
  prefix?: string;
  /** Deadline of one Redis command in ms (default 500): past it the command fails as unavailable. */
  commandTimeoutMs?: number;
  /** Called when Redis fails and the store falls back (logging); never with a secret. */
  onError?: (error: Error) => void;
}

export interface Commander {
  /** Sends `args` (routed by `key` on a cluster) and resolves the raw reply, or rejects RedisUnavailableError. */
  send(key: string, args: string[]): Promise<unknown>;
  readonly prefix: string;
  readonly onError: (error: Error) => void;
}

export function commander(options: RedisStoreOptions, where: string): Commander {
  const { redis } = options;
  if (redis === null || typeof redis !== 'object' || typeof redis.sendCommand !== 'function')
    throw new ConfigurationError(`${where}: redis must be a connected node-redis client or cluster`);
  const prefix = options.prefix ?? 'auth:';
  if (typeof prefix !== 'string' || /[{}]/.test(prefix))
    throw new ConfigurationError(`${where}: prefix must be a string without { or }`);
  const timeoutMs = options.commandTimeoutMs ?? 500;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new ConfigurationError(`${where}: commandTimeoutMs must be a number > 0`);
  if (options.onError !== undefined && typeof options.onError !== 'function')
    throw new ConfigurationError(`${where}: onError must be a function`);
  const onError = options.onError ?? (() => undefined);
  const isCluster = 'masters' in redis;
  return {
    prefix,
    onError,
    send(key, args) {
      const abortSignal = AbortSignal.timeout(timeoutMs);
      const sent = isCluster
        ? (redis as RedisClusterLike).sendCommand(key, false, args, { abortSignal })
        : (redis as RedisNodeLike).sendCommand(args, { abortSignal });
      const command = String(args[0]).toUpperCase();
      // The abort signal drops a queued command; the race also bounds one already written to a
      // paused server, whose late reply is then ignored.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new RedisUnavailableError(command, `no reply in ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      return Promise.race([
        sent.catch((error: unknown) => {
          throw error instanceof Error && /^(ERR|WRONGTYPE|NOSCRIPT)\b/.test(error.message)
            ? error
            : new RedisUnavailableError(command, errorKind(error));
        }),
        deadline,
      ]).finally(() => clearTimeout(timer));
    },
  };
}

/** A short reason without the error's own text (which could echo arguments). */
function errorKind(error: unknown): string {
  if (error instanceof Error) {
    if (/OOM/.test(error.message)) return 'out of memory (maxmemory)';
    if (error.name === 'AbortError') return 'timed out';
    return error.name === 'Error' ? 'connection error' : error.name;
  }
  return 'connection error';
}

/**
 * A hash tag for a caller-chosen name: short, free of `{`/`}`, and the same on every replica, so a
 * cluster keeps a name's keys in one slot.
 */
export function tag(name: string): string {
  return `{${createHash('sha256').update(name).digest('base64url').slice(0, 16)}}`;
}
