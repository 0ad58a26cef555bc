import type { AddressInfo } from 'node:net';
import { type Authenticator, InvalidApiKeyError, MissingTokenError } from '@auth/core';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type INestApplication, UseGuards } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Field, GraphQLModule, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AuthenticateWith,
  AuthGuard,
  AuthModule,
  OptionalAuth,
  Principal,
  Public,
  ScopeGuard,
  Scopes,
} from '../src/index.ts';
import { fakeAuthenticator, principal } from './support/fake-authenticator.ts';

const people = { reader: principal('reader', { scopes: ['read:items'] }) };
const bearer = fakeAuthenticator(people);
const svc = principal('svc', { tokenUse: 'api_key' });
// A second credential kind in another header, so one request can carry both.
const service: Authenticator = {
  realm: 'api',
  hasCredentials: (req) => (req.headers as Record<string, unknown>)['x-api-key'] !== undefined,
  async authenticate(req, options) {
    const key = (req.headers as Record<string, string | undefined>)['x-api-key'];
    if (key === undefined) {
      if (options?.optional) return undefined;
      throw new MissingTokenError();
    }
    if (key !== 'svc') throw new InvalidApiKeyError();
    return svc;
  },
  close() {},
};

// What ran: a resolver behind a failed guard must never appear here.
const ran: string[] = [];

@ObjectType()
class Viewer {
  @Field(() => Boolean)
  authenticated!: boolean;

  @Field(() => String, { nullable: true })
  subject?: string;
}

const viewer = (user: Principal | undefined): Viewer =>
  user ? { authenticated: true, subject: user.subject } : { authenticated: false };

@Resolver(() => Viewer)
@UseGuards(AuthGuard, ScopeGuard)
class ViewerResolver {
  @Query(() => Viewer, { nullable: true })
  @Public()
  health(@Principal() user: Principal | undefined): Viewer {
    ran.push('health');
    return viewer(user);
  }

  @Query(() => Viewer, { nullable: true })
  @OptionalAuth()
  optionalQuery(@Principal() user: Principal | undefined): Viewer {
    ran.push('optionalQuery');
    return viewer(user);
  }

  @Query(() => Viewer, { nullable: true })
  requiredQuery(@Principal() user: Principal): Viewer {
    ran.push('requiredQuery');
    return viewer(user);
  }

  @Query(() => Viewer, { nullable: true })
  @AuthenticateWith('SERVICE')
  serviceQuery(@Principal() user: Principal): Viewer {
    ran.push('serviceQuery');
    return viewer(user);
  }

  @Mutation(() => Viewer, { nullable: true })
  @OptionalAuth()
  optionalMutation(@Principal() user: Principal | undefined): Viewer {
    ran.push('optionalMutation');
    return viewer(user);
  }

  @Mutation(() => Viewer, { nullable: true })
  requiredMutation(@Principal() user: Principal): Viewer {
    ran.push('requiredMutation');
    return viewer(user);
  }

  @Mutation(() => Viewer, { nullable: true })
  @Scopes('read:items')
  scopedMutation(@Principal() user: Principal): Viewer {
    ran.push('scopedMutation');
    return viewer(user);
  }

  @Mutation(() => Viewer, { nullable: true })
  @AuthenticateWith('SERVICE')
  serviceMutation(@Principal() user: Principal): Viewer {
    ran.push('serviceMutation');
    return viewer(user);
  }
}

/** A module-level APP_GUARD resolver: no @UseGuards, only the global AuthGuard protects it. */
@Resolver(() => Viewer)
class GlobalResolver {
  @Mutation(() => Viewer, { nullable: true })
  @OptionalAuth()
  globalOptional(@Principal() user: Principal | undefined): Viewer {
    ran.push('globalOptional');
    return viewer(user);
  }

  @Mutation(() => Viewer, { nullable: true })
  globalRequired(@Principal() user: Principal): Viewer {
    ran.push('globalRequired');
    return viewer(user);
  }
}

interface GraphQLResponse {
  data: Record<string, Viewer | null> | null;
  errors?: { message: string; path?: string[] }[];
}

describe('GraphQL (Apollo): one request shared by every resolver of an operation', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({ authenticator: bearer, isGlobal: true }),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          autoSchemaFile: true,
          context: ({ req }: { req: unknown }) => ({ req }),
        }),
      ],
      providers: [
        ViewerResolver,
        GlobalResolver,
        { provide: 'SERVICE', useValue: service },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => app?.close());
  beforeEach(() => {
    ran.length = 0;
  });

  const gql = async (
    query: string,
    token?: string,
    extra: Record<string, string> = {},
  ): Promise<GraphQLResponse> => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...extra };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query }) });
    return (await res.json()) as GraphQLResponse;
  };
  const errorAt = (body: GraphQLResponse, field: string) => body.errors?.find((e) => e.path?.[0] === field);

  it('an @OptionalAuth() field without credentials does not authenticate a later required field', async () => {
    const body = await gql(
      'mutation { optionalMutation { authenticated } requiredMutation { authenticated subject } }',
    );
    expect(body.data?.optionalMutation).toEqual({ authenticated: false });
    expect(body.data?.requiredMutation).toBeNull();
    expect(errorAt(body, 'requiredMutation')?.message).toBe(new MissingTokenError().message);
    expect(ran).toEqual(['optionalMutation']);
  });

  it('the same holds behind a global APP_GUARD alone', async () => {
    const body = await gql('mutation { globalOptional { authenticated } globalRequired { subject } }');
    expect(body.data?.globalOptional).toEqual({ authenticated: false });
    expect(body.data?.globalRequired).toBeNull();
    expect(errorAt(body, 'globalRequired')?.message).toBe(new MissingTokenError().message);
    expect(ran).toEqual(['globalOptional']);
  });

  it('a requirement-only field (ScopeGuard) after an optional one is denied without credentials', async () => {
    const body = await gql('mutation { optionalMutation { authenticated } scopedMutation { subject } }');
    expect(body.data?.scopedMutation).toBeNull();
    expect(errorAt(body, 'scopedMutation')?.message).toBe(new MissingTokenError().message);
    expect(ran).toEqual(['optionalMutation']);
  });

  it('a principal from one authenticator does not satisfy a field that names another', async () => {
    const body = await gql('mutation { requiredMutation { subject } serviceMutation { subject } }', 'reader');
    expect(body.data?.requiredMutation).toEqual({ subject: 'reader' });
    expect(body.data?.serviceMutation).toBeNull();
    expect(errorAt(body, 'serviceMutation')?.message).toBe(new MissingTokenError().message);
    expect(ran).toEqual(['requiredMutation']);
  });

  it('with credentials, optional and required fields both see the principal (authenticated once)', async () => {
    const before = bearer.calls;
    const body = await gql(
      'mutation { optionalMutation { subject } requiredMutation { subject } scopedMutation { subject } }',
      'reader',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      optionalMutation: { subject: 'reader' },
      requiredMutation: { subject: 'reader' },
      scopedMutation: { subject: 'reader' },
    });
    expect(bearer.calls - before).toBe(1);
  });

  it('queries (fields resolved concurrently): the required field fails, the others answer', async () => {
    const body = await gql(
      '{ health { authenticated } optionalQuery { authenticated } requiredQuery { subject } }',
    );
    expect(body.data?.health).toEqual({ authenticated: false });
    expect(body.data?.optionalQuery).toEqual({ authenticated: false });
    expect(body.data?.requiredQuery).toBeNull();
    expect(ran.sort()).toEqual(['health', 'optionalQuery']);
  });

  it('concurrent query fields share one authentication per authenticator', async () => {
    const before = bearer.calls;
    const body = await gql(
      '{ requiredQuery { subject } again: requiredQuery { subject } optionalQuery { subject } }',
      'reader',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      requiredQuery: { subject: 'reader' },
      again: { subject: 'reader' },
      optionalQuery: { subject: 'reader' },
    });
    expect(bearer.calls - before).toBe(1);
  });

  it('no principal is undefined: a @Public() field never sees another field’s principal', async () => {
    for (const query of [
      '{ requiredQuery { subject } health { authenticated } }',
      '{ health { authenticated } requiredQuery { subject } }',
    ]) {
      const body = await gql(query, 'reader');
      expect(body.data?.requiredQuery).toEqual({ subject: 'reader' });
      expect(body.data?.health).toEqual({ authenticated: false });
    }
  });

  it('an @OptionalAuth() field never sees the principal of a field authenticated by another authenticator', async () => {
    for (const query of [
      '{ serviceQuery { subject } optionalQuery { authenticated } }',
      '{ optionalQuery { authenticated } serviceQuery { subject } }',
    ]) {
      const body = await gql(query, undefined, { 'x-api-key': 'svc' });
      expect(body.data?.serviceQuery).toEqual({ subject: 'svc' });
      expect(body.data?.optionalQuery).toEqual({ authenticated: false });
    }
  });
});
