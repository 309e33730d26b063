/** At most `maxEmails` marketing emails to one customer in any `perDays` days, across campaigns. */
export interface FrequencyCap {
  maxEmails: number;
  perDays: number;
}

/**
 * Given the times of the customer's recent sends, the earliest time another may go out
 * (`at` itself when the cap allows it now).
 */
export function earliestUnderCap(at: Date, recentSends: readonly Date[], cap: FrequencyCap | undefined): Date {
  if (!cap) return at;
  const windowMs = cap.perDays * 86_400_000;
  const inWindow = recentSends.filter((t) => t.getTime() > at.getTime() - windowMs).sort((a, b) => a.getTime() - b.getTime());
  if (inWindow.length < cap.maxEmails) return at;
  // The oldest send that must age out of the window before one more fits.
  const blocking = inWindow[inWindow.length - cap.maxEmails];
  return new Date(blocking.getTime() + windowMs);
}
