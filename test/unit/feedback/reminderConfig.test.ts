/** FEEDBACK_REMINDER_DAYS: how long a customer may wait for an answer before the case is overdue. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { ConfigError } from '../../../src/domain/errors';

const emptyDir = () => mkdtempSync(path.join(os.tmpdir(), 'rekindle-config-'));

describe('FEEDBACK_REMINDER_DAYS', () => {
  it('is 2 days unless set', () => {
    expect(loadConfig({}, emptyDir()).feedback.reminderDays).toBe(2);
    expect(loadConfig({ FEEDBACK_REMINDER_DAYS: '5' }, emptyDir()).feedback.reminderDays).toBe(5);
  });

  it.each(['two', '-1', '1.5', '400'])('refuses %s naming the variable and what is allowed', (value) => {
    const load = () => loadConfig({ FEEDBACK_REMINDER_DAYS: value }, emptyDir());
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(new RegExp(`^FEEDBACK_REMINDER_DAYS: "${value}" is not allowed; expected a whole number of days from 0 to 90`));
  });
});
