/** Customers: search by email, name or id; one customer's whole story on a page. */
import { InputError } from '../../domain/errors';
import type { ConsoleRoute } from './index';
import { searchCustomers, SEARCH_LIMIT } from './customerSearch';
import { customerPageModel } from './customerView';

export const customersRoutes: ConsoleRoute[] = [
  {
    method: 'get', path: '/customers', roles: ['marketer'], handlers: (ctx) => [
      async (req, res) => {
        const query = typeof req.query.q === 'string' ? req.query.q.slice(0, 200) : '';
        const found = await searchCustomers(ctx.services.db, query);
        ctx.views.page(res, 'customers', {
          title: 'Customers',
          section: 'customers',
          query,
          searched: query.trim() !== '',
          found: found.slice(0, SEARCH_LIMIT).map((c) => ({ ...c, href: `${ctx.views.base}/console/customers/${c.id}` })),
          more: found.length > SEARCH_LIMIT ? `Only the first ${SEARCH_LIMIT} are shown: type more of the email or name.` : '',
        });
      },
    ],
  },
  {
    method: 'get', path: '/customers/:customerId', roles: ['marketer'], handlers: (ctx) => [
      async (req, res) => {
        const id = String(req.params.customerId);
        if (!/^\d{1,9}$/.test(id)) throw new InputError(`"${id}" is not a customer id`, { field: 'id' });
        const model = await customerPageModel(ctx.services, Number(id));
        ctx.views.page(res, 'customer', { title: model.customer.title, section: 'customers', ...model });
      },
    ],
  },
];
