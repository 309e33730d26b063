/** /console: the overview (overviewModel.ts): running campaigns, the week's headline figures, feedback waiting, alerts. */
import type { ConsoleRoute } from './index';
import { overviewModel } from './overviewModel';

export const overviewRoutes: ConsoleRoute[] = [
  {
    method: 'get',
    path: '/',
    roles: ['marketer'],
    handlers: (ctx) => [async (_req, res) => ctx.views.page(res, 'overview', await overviewModel(ctx.services))],
  },
];
