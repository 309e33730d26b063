import { databaseUnavailable } from '../../../src/db/unavailable';

describe('databaseUnavailable', () => {
  it('recognises a database out of reach, wrapped by TypeORM or not', () => {
    const busy = Object.assign(new Error('SQLITE_BUSY: database is locked'), { code: 'SQLITE_BUSY', errno: 5 });
    expect(databaseUnavailable({ message: 'Query failed', driverError: busy })).toMatch(/^the database is locked: .*busy timeout .*SQLITE_BUSY/);
    expect(databaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toMatch(/^the database went away .*57P01/);
    expect(databaseUnavailable(Object.assign(new Error('database "x" is not currently accepting connections'), { code: '55000' }))).toMatch(/run the command again once it is back$/);
    expect(databaseUnavailable(new Error('Connection terminated unexpectedly'))).toMatch(/went away/);
    expect(databaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toMatch(/ECONNREFUSED/);
  });

  it('leaves every other error to be shown as it is', () => {
    expect(databaseUnavailable(Object.assign(new Error('UNIQUE constraint failed: sends.id'), { code: 'SQLITE_CONSTRAINT' }))).toBeNull();
    expect(databaseUnavailable(Object.assign(new Error('relation "x" does not exist'), { code: '42P01' }))).toBeNull();
    expect(databaseUnavailable(new TypeError('undefined is not a function'))).toBeNull();
    expect(databaseUnavailable('a string')).toBeNull();
  });
});
