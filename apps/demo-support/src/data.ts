/** The demo API's fixed data (the contract's demo routes). */
export const items = [
  { id: 1, name: 'hammer' },
  { id: 2, name: 'screwdriver' },
];

/** `POST /items`: echoes the new item (nothing is stored); a missing or non-string name is 'unnamed'. */
export const nextItem = (body: unknown) => {
  const name = (body as { name?: unknown } | undefined)?.name;
  return { id: items.length + 1, name: typeof name === 'string' ? name : 'unnamed' };
};

/** `GET /orgs/:orgId/projects`. */
export const demoProjects = (orgId: string) => [{ id: 'p1', orgId, name: 'demo project' }];
