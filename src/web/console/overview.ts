/** The console's first page. A placeholder listing the sections until the campaigns overview replaces it. */
import type { ConsoleRoute } from './index';
import { navFor } from './nav';
import { staffOf } from './staff';

export const overviewRoutes: ConsoleRoute[] = [
  {
    method: 'get',
    path: '/',
    roles: ['marketer'],
    handlers: (ctx) => [
      (_req, res) => {
        const sections = navFor(staffOf(res).role, 'overview', ctx.views.base).slice(1);
        ctx.views.page(res, 'overview', { title: 'Overview', section: 'overview', sections });
      },
    ],
  },
];
