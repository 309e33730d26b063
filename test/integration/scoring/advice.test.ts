import { Incident, IncidentCustomer } from '../../../src/db/entities';
import { importOrders } from '../../../src/import/importer';
import { adviseCustomer } from '../../../src/scoring/adviceService';
import { customerFacts, findCustomer } from '../../../src/scoring/customerFacts';
import { scoreCustomers, ScoreRow, scoreRows } from '../../../src/scoring/scoreService';
import { anOrder } from '../../support/orders';
import { testServices, TestServices } from '../../support/services';
import { fittedCdnowShop } from './cdnowShop';

async function openIncident(s: TestServices, customerId: number, makeGood: { kind: 'amount' | 'percent'; value: string }, harmedMinor: number | null = null) {
  const incident = await s.db.write((tx) =>
    tx.getRepository(Incident).save({
      title: 'Late parcels in March',
      description: 'your order of 12 March arrived nine days late, and we never told you why',
      makeGoodKind: makeGood.kind,
      makeGoodValue: makeGood.value,
      currency: 'USD',
      status: 'open',
      createdAt: '1997-09-01T00:00:00.000Z',
      resolvedAt: null,
    }),
  );
  await s.db.write((tx) => tx.getRepository(IncidentCustomer).save({ incidentId: incident.id, customerId, harmedMinor, orderId: null }));
  return incident.id;
}

async function scoreRowOf(s: TestServices, customerId: number): Promise<ScoreRow> {
  const run = await scoreCustomers(s);
  for await (const row of scoreRows(s.db, run)) if (row.customerId === customerId) return row;
  throw new Error(`no score row for ${customerId}`);
}

describe('the offer advisor on the CDNOW sample', () => {
  let s: TestServices;
  beforeAll(async () => (s = await fittedCdnowShop()));
  afterAll(() => s.dispose());

  it('explains a known customer step by step, with the numbers `score` gives them', async () => {
    const advice = await adviseCustomer(s, 'cdnow-1234@example.com');
    expect(advice.customer).toEqual({ id: expect.any(String), orders: 9, firstOrderDay: '1997-02-16', lastOrderDay: '1997-07-27' });
    expect(advice).toMatchObject({ asOf: '1997-09-30', timeUnit: 'week', currency: 'USD', inputs: { x: 8, tx: 23 } });
    expect(advice.steps).toMatchObject({ share: 0.5, cac: '30.00', cap: null, boundBy: 'value' });
    const row = await scoreRowOf(s, Number(advice.customer.id));
    expect([advice.steps.budget, advice.offer?.id, advice.steps.valueOfWinBack]).toEqual([row.budget, row.offer, row.valueOfWinBack]);
    expect(advice.sentences.join(' ')).toContain(`So it is worth investing up to ${row.budget} USD to win this customer back, compared with 30.00 USD to acquire a new customer.`);
    expect(advice.caveats.map((c) => c.code)).toEqual(['short-history']);
  });

  it('finds customers by shop id and id:NUMBER too, and says how to name one it cannot find', async () => {
    const byEmail = await adviseCustomer(s, 'cdnow-1234@example.com');
    expect((await adviseCustomer(s, '1234')).steps).toEqual(byEmail.steps);
    expect((await adviseCustomer(s, `id:${byEmail.customer.id}`)).steps).toEqual(byEmail.steps);
    await expect(adviseCustomer(s, 'nobody@example.com')).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('no customer has the email nobody@example.com; look customers up by') });
  });

  it("gives a harmed customer at least the incident's make-good whatever their CLV, in score and advice", async () => {
    const zero = await findCustomer(s.db, 'cdnow-3@example.com');
    const before = await scoreRowOf(s, zero.id);
    expect([before.valueOfWinBack, before.budget, before.offer]).toEqual(['0.00', '0.00', null]);

    const incident = await openIncident(s, zero.id, { kind: 'amount', value: '15.00' });
    const advice = await adviseCustomer(s, 'cdnow-3@example.com');
    expect(advice.steps).toMatchObject({ budget: '0.00', boundBy: 'zero', makeGood: { owed: '15.00', amount: '15.00' }, ceiling: '15.00' });
    expect(advice.offer).toMatchObject({ id: `make-good:${incident}`, expectedCost: '15.00' });
    expect(advice.sentences.join(' ')).toContain('we owe them at least 15.00 USD to make up for it');
    expect((await scoreRowOf(s, zero.id)).offer).toBe(`make-good:${incident}`);
  });

  it('a percent make-good is a share of the harmed amount; the larger of two open incidents wins', async () => {
    const harmed = await findCustomer(s.db, 'cdnow-4@example.com');
    await openIncident(s, harmed.id, { kind: 'amount', value: '5.00' });
    const bigger = await openIncident(s, harmed.id, { kind: 'percent', value: '50' }, 4200);
    const advice = await adviseCustomer(s, `id:${harmed.id}`);
    expect(advice.steps.makeGood).toMatchObject({ incidentId: String(bigger), owed: '21.00' });
  });
});

describe('customer lookup and facts', () => {
  let s: TestServices;
  const now = () => new Date('2025-06-01T00:00:00Z');
  beforeEach(async () => (s = await testServices()));
  afterEach(() => s.dispose());

  it('refuses a number that is one customer\'s shop id and another\'s id', async () => {
    await importOrders(s.db, [
      anOrder({ customer: { externalId: '2', email: 'ann@example.com' } }),
      anOrder({ customer: { externalId: '1', email: 'bob@example.com' } }),
    ], { source: 'test', file: 't', now });
    await expect(findCustomer(s.db, '1')).rejects.toThrow('"1" is the shop customer id of customer 2 and the id of another customer; write external:1 or id:1');
    expect((await findCustomer(s.db, 'external:1')).email).toBe('bob@example.com');
    expect((await findCustomer(s.db, 'id:1')).email).toBe('ann@example.com');
    expect((await findCustomer(s.db, ' ANN@example.com ')).id).toBe(1);
  });

  it('names the favourite products, most often bought first, and leaves out cancelled orders', async () => {
    const maria = { email: 'maria@example.com', firstName: 'Maria', lastName: 'Rossi' };
    await importOrders(s.db, [
      anOrder({ customer: maria, orderedDay: '2019-03-12', items: ['Ethiopia Yirgacheffe', 'Filter papers'] }),
      anOrder({ customer: maria, orderedDay: '2020-01-05', items: ['Ethiopia Yirgacheffe'] }),
      anOrder({ customer: maria, orderedDay: '2021-06-01', items: ['Kenya AA', 'Kenya AA'], status: 'cancelled' }),
      anOrder({ customer: maria, orderedDay: '2026-01-01', items: ['Later'] }),
    ], { source: 'test', file: 't', now });
    const customer = await findCustomer(s.db, 'maria@example.com');
    expect(await customerFacts(s.db, customer, '2025-12-31')).toEqual({
      id: String(customer.id),
      name: 'Maria Rossi',
      orders: 2,
      firstOrderDay: '2019-03-12',
      lastOrderDay: '2020-01-05',
      favouriteProducts: ['Ethiopia Yirgacheffe', 'Filter papers'],
    });
  });
});
