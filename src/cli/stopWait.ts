/**
 * How long a stop waits for the sends on their way: one SMTP transaction takes well under a
 * second, and container runtimes send SIGKILL 10 s after SIGTERM. Its own module so that
 * `worker` reads it without loading `serve` (and with it express and the whole console).
 */
export const STOP_WAIT_MS = 8_000;
