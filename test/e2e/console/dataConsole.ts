/** The console on a shop's services with a marketer signed in through the real sign-in, for the data pages' tests. */
import type { Services } from '../../../src/wiring';
import { startConsole } from '../../support/console';

export interface MarketerConsole {
  /** The session's CSRF token. */
  csrf: string;
  /** A request under /console with the session cookie; redirects are not followed. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function marketerConsole(services: Services): Promise<MarketerConsole> {
  const started = await startConsole({ services });
  const client = await started.signIn('marketer');
  return { csrf: client.csrf, fetch: client.fetch, close: () => started.close() };
}
