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

/** Reads one line from the terminal without echoing it. */
function askHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (result: () => void) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      result();
    };
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done(() => resolve(typed));
        if (ch === '\u0003') return done(() => reject(new InputError('cancelled', { field: 'password' })));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else if (ch >= ' ') typed += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

async function passwordFrom(opts: { passwordStdin?: boolean }): Promise<string> {
  if (opts.passwordStdin) return readStdin();
  if (!process.stdin.isTTY) throw new InputError('no terminal to ask for it; pipe it in with --password-stdin', { field: 'password' });
  const password = await askHidden('Password (at least 12 characters): ');
  checkPassword(password);
  if ((await askHidden('The same password again: ')) !== password) throw new InputError('the two passwords differ; run the command again', { field: 'password' });
  return password;
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
