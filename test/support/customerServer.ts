/**
 * A describe block's own shop and server, built before its first test and closed after its
 * last. Apart from customerApp.ts because the benchmark, built without jest, imports that one.
 */
import { NOW } from './campaignFixtures';
import { listenCustomer, Listening } from './customerApp';
import { testServices, TestServices } from './services';
import type { PublicDeps } from '../../src/web/routes/public';

/** Real services on a temp SQLite file with a fixed clock, and the app listening; `use` receives both. */
export function withCustomerServer(settings: Record<string, unknown>, deps: PublicDeps, use: (env: { s: TestServices; http: Listening }) => void, clock: () => Date = () => NOW): void {
  let env: { s: TestServices; http: Listening } | undefined;
  beforeAll(async () => {
    const s = await testServices(settings, clock);
    env = { s, http: await listenCustomer(s, deps) };
    use(env);
  });
  afterAll(async () => {
    await env?.http.close();
    await env?.s.dispose();
  });
}
