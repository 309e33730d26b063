/**
 * The console's pages: every `views/console/NAME.hbs` is a page (compiled once, at start-up, so a
 * broken template fails the start and not a request), `_NAME.hbs` files are partials, and
 * `_layout.hbs` wraps every page with the navigation. Logic-less like the customer's pages:
 * view models arrive formatted. The stylesheet, our chart script and Chart.js itself are served
 * from the app under content hashes: the CSP keeps `script-src 'self'` and no CDN is involved.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Response } from 'express';
import Handlebars from 'handlebars';
import { navFor } from './nav';
import { staffOf } from './staff';

export interface Asset {
  /** Under /console, e.g. `/assets/console-1a2b3c4d5e.css`. */
  path: string;
  type: string;
  body: Buffer;
}

function asset(name: string, ext: string, type: string, body: Buffer): Asset {
  return { path: `/assets/${name}-${createHash('sha256').update(body).digest('hex').slice(0, 10)}.${ext}`, type, body };
}

export interface PageModel {
  /** The page's <title> and <h1>. */
  title: string;
  /** Which navigation entry is current (a SECTIONS key). */
  section: string;
  [key: string]: unknown;
}

export class ConsoleRenderer {
  readonly assets: { stylesheet: Asset; charts: Asset; chartjs: Asset; jobs: Asset };
  private readonly templates = new Map<string, Handlebars.TemplateDelegate>();
  private readonly layout: Handlebars.TemplateDelegate;

  /** `base` is PUBLIC_URL's path ('' or '/rekindle'). */
  constructor(dir: string, readonly base: string) {
    const hbs = Handlebars.create();
    const files = readdirSync(dir).filter((f) => f.endsWith('.hbs'));
    for (const file of files.filter((f) => f.startsWith('_'))) hbs.registerPartial(file.slice(1, -4), readFileSync(path.join(dir, file), 'utf8'));
    const compile = (file: string) => {
      const template = hbs.compile(readFileSync(path.join(dir, file), 'utf8'), { knownHelpersOnly: true, strict: false });
      template({}); // compiling is lazy: a dry run turns a broken template into a start-up error
      return template;
    };
    this.layout = compile('_layout.hbs');
    for (const file of files.filter((f) => !f.startsWith('_'))) this.templates.set(file.slice(0, -4), compile(file));
    const chartjs = readFileSync(path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js')) // the package exports no path to its browser build;
    this.assets = {
      stylesheet: asset('console', 'css', 'text/css; charset=utf-8', readFileSync(path.join(dir, 'console.css'))),
      charts: asset('charts', 'js', 'text/javascript; charset=utf-8', readFileSync(path.join(dir, 'charts.js'))),
      chartjs: asset('chart', 'js', 'text/javascript; charset=utf-8', chartjs),
      jobs: asset('jobs', 'js', 'text/javascript; charset=utf-8', readFileSync(path.join(dir, 'jobs.js'))),
    };
  }

  has(view: string): boolean {
    return this.templates.has(view);
  }

  /** The page in the layout, for the signed-in staff member; `res.locals.csrfToken` goes into every form. */
  page(res: Response, view: string, model: PageModel, status = 200): void {
    const template = this.template(view);
    const staff = staffOf(res);
    const shared = { ...this.shared(res, model), staff };
    const body = template(shared);
    res.status(status).type('html').send(
      this.layout({ ...shared, body, nav: navFor(staff.role, model.section, this.base), assets: this.assetPaths(), charts: model.charts !== undefined }),
    );
  }

  /** A page outside the layout's navigation (sign-in): no staff member yet. */
  bare(res: Response, view: string, model: Record<string, unknown>, status = 200): void {
    const template = this.template(view);
    const shared = this.shared(res, model);
    res.status(status).type('html').send(this.layout({ ...shared, body: template(shared), nav: [], assets: this.assetPaths(), charts: false }));
  }

  private template(view: string): Handlebars.TemplateDelegate {
    const template = this.templates.get(view);
    if (!template) throw new Error(`no console view ${view}.hbs`);
    return template;
  }

  /** What every template may use besides its model: the URL prefixes and the session's CSRF token. */
  private shared<M extends object>(res: Response, model: M) {
    return { ...model, base: this.base, console: `${this.base}/console`, csrfToken: res.locals.csrfToken as string | undefined };
  }

  private assetPaths() {
    const at = (a: Asset) => `${this.base}/console${a.path}`;
    return { stylesheet: at(this.assets.stylesheet), charts: at(this.assets.charts), chartjs: at(this.assets.chartjs), jobs: at(this.assets.jobs) };
  }
}
