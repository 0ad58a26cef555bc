import type { Organization } from './clients.ts';

/** A demo end user for the authorization code flow. */
export interface DemoUser {
  id: string;
  name: string;
  email: string;
  groups: string[];
  organizations: Organization[];
}

export const demoUsers: Record<string, DemoUser> = {
  alice: {
    id: 'alice',
    name: 'Alice Admin',
    email: 'alice@example.test',
    groups: ['admin'],
    organizations: [{ id: 'org_1', scopes: ['projects:read'] }],
  },
  bob: {
    id: 'bob',
    name: 'Bob Builder',
    email: 'bob@example.test',
    groups: [],
    organizations: [],
  },
};
