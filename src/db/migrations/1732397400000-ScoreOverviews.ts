import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { int, money, str, text, ts } from './columns';

/**
 * The console's model page summarises the stored scores (P(alive) map, budgets, offers); summed
 * by the database that is about a second at 100,000 customers, so the summary is kept here, one
 * row per (model version, as-of day), written when the scores are (src/scoring/scoreOverview.ts).
 */
export class ScoreOverviews1732397400000 implements MigrationInterface {
  name = 'ScoreOverviews1732397400000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'score_overviews',
      columns: [
        { ...int('model_version'), isPrimary: true }, { ...str('as_of', 10), isPrimary: true }, ts('scored_at'), str('time_unit', 8), money('cac_minor'), text('overview', false),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('score_overviews');
  }
}
