/**
 * `@Principal()` on a GraphQL field that no guard of this package protected must not read the
 * principal another field's guard settled on the shared request (`req.auth` holds the last one): it
 * would hand a field a principal from an authenticator it never named, or from no check of its own.
 */
import type { AddressInfo } from 'node:net';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type INestApplication, UseGuards } from '@nestjs/common';
import { Field, GraphQLModule, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticateWith, AuthGuard, AuthModule, Principal } from '../src/index.ts';
import { fakeAuthenticator, principal } from './support/fake-authenticator.ts';

const bearer = fakeAuthenticator({ reader: principal('reader') });

@ObjectType()
class Who {
  @Field(() => String, { nullable: true })
  subject?: string;
}

@Resolver(() => Who)
@UseGuards(AuthGuard)
class GuardedResolver {
  @Query(() => Who)
  health(): Who {
    return {};
  }

  @Mutation(() => Who)
  guarded(@Principal() user: Principal | undefined): Who {
    return { subject: user?.subject };
  }
}

// No guard of this package (one forgot `@UseGuards`): names another authenticator all the same.
@Resolver(() => Who)
class UnguardedResolver {
  @Mutation(() => Who)
  @AuthenticateWith('SERVICE')
  unguarded(@Principal() user: Principal | undefined): Who {
    return { subject: user?.subject };
  }
}

describe('GraphQL: @Principal() of a field no guard settled', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({ authenticator: bearer }),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          autoSchemaFile: true,
          context: ({ req }: { req: unknown }) => ({ req }),
        }),
      ],
      providers: [
        GuardedResolver,
        UnguardedResolver,
        { provide: 'SERVICE', useValue: fakeAuthenticator({ svc: principal('svc') }) },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => app?.close());

  const gql = async (query: string) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer reader' },
      body: JSON.stringify({ query }),
    });
    return (await res.json()) as { data: Record<string, Who> };
  };

  it('does not see the principal another field’s guard settled', async () => {
    // Mutation fields run one after the other: the guarded one has settled before the other reads.
    for (const query of [
      'mutation { guarded { subject } unguarded { subject } }',
      'mutation { unguarded { subject } guarded { subject } }',
    ]) {
      const body = await gql(query);
      expect(body.data.guarded).toEqual({ subject: 'reader' });
      expect(body.data.unguarded).toEqual({ subject: null });
    }
  });
});
