/**
 * The console's customer search finds every customer whose email or name starts with what staff
 * typed, whatever the database's collation. On PostgreSQL this runs on a database created with
 * glibc's en_US.UTF-8 collation, the default of many installations: there `>= 'ann' AND < 'ann' ||
 * U+FFFF` matched only the exact text "ann" (glibc orders U+FFFF before letters and ignores
 * punctuation at first), so a search for "ann" missed ann@x.com. On both engines a name whose next
 * character lies above U+FFFF (an emoji, a rare CJK character) was missed too, and on SQLite, whose
 * lower() folds only ASCII letters, so was "Åsa" when staff typed "åsa".
 */
import { importCustomers } from '../../../src/import/importer';
import { searchCustomers } from '../../../src/web/console/customerSearch';
import { testServices, TestServices } from '../../support/services';
import { TEST_ENGINE } from '../../support/testDatabase';
import { dropPostgresDatabase, queryOn, POSTGRES_URL } from '../../support/postgresDatabase';

const LINGUISTIC = `rekindle_en_us_${process.pid}`;
let s: TestServices;

beforeAll(async () => {
  let DATABASE_URL: string | undefined;
  if (TEST_ENGINE === 'postgres') {
    await queryOn(POSTGRES_URL as string, `DROP DATABASE IF EXISTS ${LINGUISTIC} WITH (FORCE)`);
    try {
      await queryOn(POSTGRES_URL as string, `CREATE DATABASE ${LINGUISTIC} TEMPLATE template0 LC_COLLATE 'en_US.UTF-8' LC_CTYPE 'en_US.UTF-8'`);
    } catch (error) {
      throw new Error(`this test needs the en_US.UTF-8 locale on the PostgreSQL server (.ci/run makes it with localedef before starting the server): ${(error as Error).message}`);
    }
    const url = new URL(POSTGRES_URL as string);
    url.pathname = `/${LINGUISTIC}`;
    DATABASE_URL = url.toString();
  }
  s = await testServices(DATABASE_URL ? { DATABASE_URL } : {});
  const people: [string, string, string][] = [
    ['ann@x.example', 'Ann', 'Lee'],
    ['anna@y.example', 'Anna', 'Berg'],
    ['ann.smith@z.example', 'Annika', 'Smith'],
    ['ann-b@q.example', 'Ann-Britt', 'Olsen'],
    ['an-n@q.example', 'An', 'Nguyen'],
    ['an.n@q.example', 'Anh', 'N'],
    ['annz@q.example', 'Ann😀', 'Zed'],
    ['bob@q.example', 'Bob', 'Annan'],
    ['zz@q.example', 'Jo😀', 'Park'],
    ['asa@q.example', 'Åsa', 'Öberg'],
    ['jm@q.example', 'JÜRGEN', 'Müller'],
  ];
  await importCustomers(
    s.db,
    people.map(([email, firstName, lastName], i) => ({ externalId: `c${i}`, email, firstName, lastName, consent: 'yes' as const, line: i + 2 })),
    { source: 'customers:generic', file: 'people.csv', now: () => new Date('2025-01-01T00:00:00.000Z') },
  );
}, 60_000);

afterAll(async () => {
  await s?.dispose();
  if (TEST_ENGINE === 'postgres') await dropPostgresDatabase(LINGUISTIC);
});

const emails = async (q: string) => (await searchCustomers(s.db, q)).map((c) => c.email).sort();

test('the start of an email finds every address that starts with it, and only those', async () => {
  expect(await emails('ann')).toEqual(['ann-b@q.example', 'ann.smith@z.example', 'ann@x.example', 'anna@y.example', 'annz@q.example', 'bob@q.example']);
  expect(await emails('ann.')).toEqual(['ann.smith@z.example']);
  expect(await emails('an-')).toEqual(['an-n@q.example']);
  expect(await emails('ann@')).toEqual(['ann@x.example']);
});

test('the start of a name, in any case, including a character above U+FFFF', async () => {
  expect(await emails('annan')).toEqual(['bob@q.example']);
  expect(await emails('JO')).toEqual(['zz@q.example']);
  expect(await emails('ANN😀')).toEqual(['annz@q.example']);
  expect(await emails('ann-britt ols')).toEqual(['ann-b@q.example']);
  expect(await emails('an n')).toEqual(['an-n@q.example', 'an.n@q.example']);
});

test('a name with letters beyond ASCII, typed in either case', async () => {
  expect(await emails('åsa')).toEqual(['asa@q.example']);
  expect(await emails('ÅSA')).toEqual(['asa@q.example']);
  expect(await emails('öberg')).toEqual(['asa@q.example']);
  expect(await emails('åsa öb')).toEqual(['asa@q.example']);
  expect(await emails('jürgen')).toEqual(['jm@q.example']);
  expect(await emails('Müll')).toEqual(['jm@q.example']);
});
