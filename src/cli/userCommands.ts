/** `rekindle users create|list|disable`: the console's staff users. */
import { Command, Option } from 'commander';
import { checkPassword } from '../auth/passwords';
import { STAFF_USER_ROLES } from '../auth/staffUsers';
import { InputError } from '../domain/errors';
import { withServices } from './context';
import { printJson, printLines } from './output';

/** Everything on stdin, less one trailing newline (`echo secret |` adds one; `printf` does not). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/**
 * Lines typed at the terminal, without echo: raw mode, so nothing typed is shown. Lines typed
 * ahead of a prompt are kept for it, not lost.
 */
function hiddenLines(): { ask(question: string): Promise<string>; close(): void } {
  const stdin = process.stdin;
  const lines: string[] = [];
  const waiting: { resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  let typed = '';
  const onData = (data: Buffer) => {
    for (const ch of data.toString('utf8')) {
      if (ch === '\u0003') return waiting.splice(0).forEach((w) => w.reject(new InputError('cancelled', { field: 'password' })));
      if (ch === '\r' || ch === '\n' || ch === '\u0004') {
        lines.push(typed);
        typed = '';
        process.stderr.write('\n');
      } else if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
      else if (ch >= ' ') typed += ch;
    }
    while (lines.length && waiting.length) (waiting.shift() as { resolve: (line: string) => void }).resolve(lines.shift() as string);
  };
  stdin.setRawMode(true);
  stdin.resume();
  stdin.on('data', onData);
  return {
    ask(question) {
      process.stderr.write(question);
      if (lines.length) return Promise.resolve(lines.shift() as string);
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    close() {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
    },
  };
}

async function passwordFrom(opts: { passwordStdin?: boolean }): Promise<string> {
  if (opts.passwordStdin) return readStdin();
  if (!process.stdin.isTTY) throw new InputError('no terminal to ask for it; pipe it in with --password-stdin', { field: 'password' });
  const terminal = hiddenLines();
  try {
    const password = await terminal.ask('Password (at least 12 characters): ');
    checkPassword(password);
    if ((await terminal.ask('The same password again: ')) !== password) throw new InputError('the two passwords differ; run the command again', { field: 'password' });
    return password;
  } finally {
    terminal.close();
  }
}

export function userCommands(): Command {
  const users = new Command('users').description('staff users who sign in to the web console');
  users
    .command('create')
    .description('create a staff user; the password is asked for (not echoed) or read from stdin')
    .requiredOption('--email <email>', 'what they sign in with')
    .addOption(new Option('--role <role>', 'owners manage users and API keys; marketers everything else').choices(STAFF_USER_ROLES as string[]).makeOptionMandatory())
    .option('--name <name>', 'how their replies to customers are signed (default: the email)')
    .option('--password-stdin', 'read the password from standard input')
    .option('--json', 'print the user as JSON')
    .action(async (opts: { email: string; role: string; name?: string; passwordStdin?: boolean; json?: boolean }, cmd: Command) => {
      const password = await passwordFrom(opts);
      return withServices(cmd, async (s) => {
        const user = await s.staffUsers.create({ email: opts.email, role: opts.role, name: opts.name, password });
        if (opts.json) return printJson(user);
        printLines(`created ${user.role} ${user.email}${user.name ? ` (${user.name})` : ''}; they sign in at ${s.config.publicUrl}/console`);
      });
    });
  users
    .command('list')
    .description('list staff users (never their passwords)')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) =>
      withServices(cmd, async (s) => {
        const rows = await s.staffUsers.list();
        if (opts.json) return printJson(rows);
        if (rows.length === 0) return printLines('no staff users yet; create one with `rekindle users create --email you@shop.example --role owner`');
        printLines(...rows.map((u) => `${u.email}  ${u.role.padEnd(8)}  ${u.disabledAt ? `disabled ${u.disabledAt}` : 'active'}  ${u.name ?? ''}`.trimEnd()));
      }),
    );
  users
    .command('disable')
    .description('disable a staff user and sign them out everywhere')
    .requiredOption('--email <email>', 'the user to disable')
    .option('--json', 'print as JSON')
    .action(async (opts: { email: string; json?: boolean }, cmd: Command) =>
      withServices(cmd, async (s) => {
        const { user, sessionsEnded } = await s.staffUsers.disable(opts.email);
        if (opts.json) return printJson({ ...user, sessionsEnded });
        printLines(`disabled ${user.email}; ${sessionsEnded} session${sessionsEnded === 1 ? '' : 's'} ended`);
      }),
    );
  return users;
}
