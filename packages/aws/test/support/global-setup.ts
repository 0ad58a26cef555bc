import type { TestProject } from 'vitest/node';
import { startCognitoLocal } from './cognito-local.ts';

/** One cognito-local for the whole @auth/aws project, seeded through the SDK (see cognito-local.ts). */
export default async function setup(project: TestProject) {
  const cognito = await startCognitoLocal();
  const { stop, ...info } = cognito;
  project.provide('cognito', info);
  return stop;
}

declare module 'vitest' {
  export interface ProvidedContext {
    cognito: {
      endpoint: string;
      userPoolId: string;
      clientId: string;
      secretClientId: string;
      secretClientSecret: string;
      groups: string[];
    };
  }
}
