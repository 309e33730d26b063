/** `rekindle feedback list`: the customers' answers to "how can we make it right?", newest first. */
import { Command } from 'commander';
import { InputError } from '../domain/errors';
import { FeedbackEntry, listFeedback } from '../customer/feedbackList';
import { withServices } from './context';
import { printJson, printLines } from './output';

const DEFAULT_LIMIT = 50;

function limitOf(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InputError(`"${value}" is not a whole number of messages, 1 or more`, { field: '--limit' });
  return Number(value);
}

export function feedbackCommands(): Command {
  const feedback = new Command('feedback').description('what customers wrote on the welcome-back page');
  feedback
    .command('list')
    .description('the customers\' messages, newest first, with customer, campaign, run and step')
    .option('--limit <n>', `the newest N messages (default ${DEFAULT_LIMIT})`, limitOf, DEFAULT_LIMIT)
    .option('--waiting', 'only the messages of cases waiting for an answer (overdue after FEEDBACK_REMINDER_DAYS)')
    .option('--json', 'print as JSON: an array of {id, at, customer {id, email, name}, campaign, runId, step, incidentId, message, caseId, source, state, assignee, waitingSince, overdue}')
    .action(async (opts: { limit: number; waiting?: boolean; json?: boolean }, cmd: Command) =>
      withServices(cmd, async (s) => {
        const page = await listFeedback(s.db, { limit: opts.limit, waiting: opts.waiting, now: s.clock(), reminderDays: s.config.feedback.reminderDays });
        if (opts.json) return printJson(page.entries);
        if (page.total === 0 && opts.waiting) return printLines('Nobody is waiting for an answer.');
        if (page.total === 0) return printLines('No feedback yet: customers write it on the welcome-back page ("How can we make it right?").');
        const left = page.total - page.entries.length;
        printLines(
          ...page.entries.flatMap(entryLines),
          ...(left > 0 ? [`${left} older message${left === 1 ? '' : 's'} not shown; --limit ${page.total} shows them all`] : []),
        );
      }),
    );
  return feedback;
}

function entryLines(f: FeedbackEntry): string[] {
  const who = f.customer.name ? `${f.customer.name} <${f.customer.email ?? 'no email'}>` : (f.customer.email ?? `customer ${f.customer.id}`);
  const run = f.runId === null ? `by ${f.source}` : `${f.campaign} run ${f.runId}`;
  const where = `${run}${f.step === null ? '' : `, step ${f.step}`}${f.incidentId === null ? '' : `, incident ${f.incidentId}`}`;
  const waiting = f.waitingSince === null ? '' : `, ${f.overdue ? 'OVERDUE, ' : ''}waiting since ${f.waitingSince}`;
  const state = f.caseId === null ? '' : `  [case ${f.caseId}: ${f.state}, ${f.assignee ?? 'unassigned'}${waiting}]`;
  return [`#${f.id}  ${f.at}  ${who}  (${where})${state}`, ...f.message.split('\n').map((line) => `    ${line}`), ''];
}
