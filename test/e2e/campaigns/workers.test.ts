/**
 * Several `rekindle worker` processes on one SQLite file, two killed with SIGKILL mid-run: every
 * send exactly once, none lost (test/support/workerFleet.ts). SQLite keeps its one writer, so four
 * processes share it through the busy timeout: correct, not fast; the 20,000-send run is the
 * PostgreSQL one (test/postgres/workers.test.ts), here 4,000 keep the suite's wall time down.
 */
import { fleetTest } from '../../support/workerFleet';

describe('four workers on one SQLite file, two killed mid-run', () => {
  fleetTest('sqlite', { customers: 4000 });
});
