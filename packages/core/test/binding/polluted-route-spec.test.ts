/**
 * A route spec is read for its own keys only: a polluted `Object.prototype` (another library's bug)
 * must not turn a route public or optional, nor add or change a requirement.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { compileRouteRequirement } from '../../src/binding/route-requirement.ts';

const proto = Object.prototype as Record<string, unknown>;

afterEach(() => {
  delete proto.public;
  delete proto.optional;
  delete proto.param;
});

describe('prototype-polluted route spec', () => {
  it('an inherited `public: true` does not make `{}` public', () => {
    proto.public = true;
    expect(compileRouteRequirement({}, { where: 'route' }).mode).toBe('required');
  });

  it('an inherited `optional: true` does not make `{}` optional', () => {
    proto.optional = true;
    expect(compileRouteRequirement({}, { where: 'route' }).mode).toBe('required');
  });

  it('an inherited `param` does not change which route parameter names the organization', () => {
    proto.param = 'tenant';
    const { policy } = compileRouteRequirement(
      { orgPermission: { action: 'read', resource: 'projects' } },
      { where: 'route' },
    );
    delete proto.param;
    // Member of o2 with the permission, of o1 without: the route's organization is `orgId` (o1).
    const principal = {
      organizations: [
        { id: 'o1', scopes: [] },
        { id: 'o2', scopes: ['projects:read'] },
      ],
    } as never;
    const decision = policy?.(principal, { params: { orgId: 'o1', tenant: 'o2' } } as never);
    expect(decision).toMatchObject({ allowed: false, code: 'ERR_AUTH_MISSING_ORG_PERMISSION' });
  });

  it('a getter-bearing spec is read once per key (its value at declaration is what is compiled)', () => {
    let reads = 0;
    const spec = {
      get scopes() {
        reads += 1;
        return reads === 1 ? ['admin'] : undefined;
      },
    };
    const requirement = compileRouteRequirement(spec as never, { where: 'route' });
    expect(requirement.mode).toBe('required');
    expect(requirement.policy).toBeTypeOf('function');
  });
});
