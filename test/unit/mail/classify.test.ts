import { classifySendFailure, retryDelayMs, RetryPolicy, SendFailure } from '../../../src/mail/classify';

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 5000, jitter: 0, random: () => 0.5 };

/** An error shaped the way nodemailer's SMTP connection shapes it. */
const smtp = (code: string, response: string, command: string) =>
  Object.assign(new Error(`${response}`), { code, response, responseCode: Number(response.slice(0, 3)), command });
const system = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(code), { code, ...extra });

const kind = (error: unknown): SendFailure['kind'] => classifySendFailure(error, 1, policy).kind;

describe('classifying a failed send', () => {
  it.each([
    // [what, error, kind]
    ['greylisting on RCPT', smtp('EENVELOPE', '450 4.2.0 Greylisted, try again later', 'RCPT TO'), 'transient'],
    ['a full mailbox, for now', smtp('EENVELOPE', '452 4.2.2 Mailbox full', 'RCPT TO'), 'transient'],
    ['service closing', smtp('ECONNECTION', '421 4.7.0 Try again later, closing connection', 'CONN'), 'transient'],
    ['a rate limit on DATA', smtp('EMESSAGE', '451 4.7.1 Rate limited', 'DATA'), 'transient'],
    ['bad sequence of commands', smtp('EPROTOCOL', '503 5.5.1 Bad sequence of commands', 'RSET'), 'transient'],
    ['a dropped connection', system('ECONNECTION'), 'transient'],
    ['a timeout', system('ETIMEDOUT'), 'transient'],
    ['a socket error', system('ESOCKET', { originalCode: 'ECONNREFUSED' }), 'transient'],
    ['a busy outbox', system('EMFILE', { syscall: 'open' }), 'transient'],

    ['an unknown mailbox', smtp('EENVELOPE', '550 5.1.1 <maria@example.com>: Recipient address rejected: User unknown', 'RCPT TO'), 'permanent'],
    ['a disabled mailbox', smtp('EENVELOPE', '550 5.2.1 Mailbox disabled', 'RCPT TO'), 'permanent'],
    ['a bare 550 on RCPT', smtp('EENVELOPE', '550 No such user here', 'RCPT TO'), 'permanent'],
    ['a per-recipient 5.7.1', smtp('EENVELOPE', '550 5.7.1 This mailbox only accepts mail from its team', 'RCPT TO'), 'permanent'],
    ['an unknown mailbox found only at DATA', smtp('EMESSAGE', '550 5.1.1 User unknown', 'DATA'), 'permanent'],
    ['an address nodemailer cannot use', system('EENVELOPE'), 'permanent'],

    ['wrong credentials', smtp('EAUTH', '535 5.7.8 Authentication credentials invalid', 'AUTH PLAIN'), 'fatal'],
    ['missing credentials', system('ENOAUTH'), 'fatal'],
    ['relaying denied', smtp('EENVELOPE', '554 5.7.1 <maria@example.com>: Relay access denied', 'RCPT TO'), 'fatal'],
    ['authentication required', smtp('EENVELOPE', '530 5.7.0 Authentication required', 'RCPT TO'), 'fatal'],
    ['our sender refused', smtp('EENVELOPE', '550 5.7.1 Sender address rejected: not owned by user', 'MAIL FROM'), 'fatal'],
    ['content blocked as spam', smtp('EMESSAGE', '550 5.7.1 Message rejected as spam', 'DATA'), 'fatal'],
    ['DMARC failure', smtp('EMESSAGE', '550 5.7.26 Unauthenticated email is not accepted', 'DATA'), 'fatal'],
    ['a message too large', smtp('EMESSAGE', '552 5.3.4 Message size exceeds fixed limit', 'DATA'), 'fatal'],
    ['a blocked IP at the greeting', smtp('EPROTOCOL', '554 5.7.1 Service unavailable; client host blocked', 'CONN'), 'fatal'],
    ['a host that does not exist', Object.assign(system('EDNS'), { message: 'getaddrinfo ENOTFOUND smtp.nowhere.example' }), 'fatal'],
    ['a TLS failure', system('ETLS'), 'fatal'],
    ['a full disk', system('ENOSPC', { syscall: 'write' }), 'fatal'],
    ['an unwritable outbox', system('EACCES', { syscall: 'open' }), 'fatal'],
    ['something nobody expected', new Error('boom'), 'fatal'],
    ['not even an Error', 'a string', 'fatal'],
  ] as const)('%s → %s', (_what, error, expected) => {
    expect(kind(error)).toBe(expected);
  });

  it('calls a failure without a reply after the end of DATA was written uncertain; a reply still decides', () => {
    const after = (error: unknown) => classifySendFailure(error, 1, policy, true);
    for (const error of [system('ECONNECTION'), system('ESOCKET', { originalCode: 'ECONNRESET' }), system('ETIMEDOUT'), new Error('boom')]) {
      expect(after(error)).toEqual({ kind: 'uncertain', reason: expect.stringMatching(/^connection lost after the whole message was sent, before the server's reply .*not sent again$/) });
    }
    expect(after(smtp('EMESSAGE', '451 4.7.1 Rate limited', 'DATA')).kind).toBe('transient');
    expect(after(smtp('EMESSAGE', '550 5.1.1 User unknown', 'DATA')).kind).toBe('permanent');
    expect(after(smtp('ECONNECTION', '421 4.7.0 Try again later, closing connection', 'CONN')).kind).toBe('transient');
  });

  it('says why a run must pause, in words a person can act on', () => {
    const auth = classifySendFailure(smtp('EAUTH', '535 5.7.8 Authentication credentials invalid', 'AUTH PLAIN'), 1, policy);
    expect(auth).toEqual({ kind: 'fatal', reason: expect.stringMatching(/refused our login; check the user and password in SMTP_URL/) });
    const disk = classifySendFailure(system('ENOSPC', { syscall: 'write' }), 1, policy);
    expect(disk.kind === 'fatal' && disk.reason).toMatch(/OUTBOX_DIR/);
  });

  it('backs off exponentially and gives up after the last attempt', () => {
    const greylisted = smtp('EENVELOPE', '450 4.2.0 Greylisted', 'RCPT TO');
    const delays = [1, 2, 3, 4].map((attempt) => {
      const failure = classifySendFailure(greylisted, attempt, policy);
      return failure.kind === 'transient' ? failure.retryAfterMs : 'not transient';
    });
    expect(delays).toEqual([1000, 2000, 4000, null]);
    expect(retryDelayMs(3, { ...policy, maxAttempts: 10, baseDelayMs: 4000 })).toBe(5000); // capped
  });

  it('spreads retries with the injected randomness', () => {
    const jittered = { ...policy, jitter: 0.5 };
    expect(retryDelayMs(1, { ...jittered, random: () => 0 })).toBe(1000);
    expect(retryDelayMs(1, { ...jittered, random: () => 0.999999 })).toBe(500);
  });
});
