/**
 * Preloaded into a server a test starts (`node --expose-gc --require this`): every
 * REKINDLE_MEMORY_EVERY_MS it collects garbage and appends what is still alive to the file named
 * by REKINDLE_MEMORY_SAMPLES, one JSON line each. A leak grows what survives a full collection;
 * the resident size alone also moves with V8's and malloc's appetite for reserve.
 */
const { appendFileSync } = require('node:fs');
const { isMainThread } = require('node:worker_threads');

const file = process.env.REKINDLE_MEMORY_SAMPLES;
if (file && isMainThread && typeof global.gc === 'function') {
  const started = Date.now();
  setInterval(() => {
    global.gc();
    const m = process.memoryUsage();
    const mb = (bytes) => Math.round((bytes / 1048576) * 10) / 10;
    appendFileSync(file, `${JSON.stringify({ at: (Date.now() - started) / 1000, liveMb: mb(m.heapUsed + m.external), rssMb: mb(m.rss) })}\n`);
  }, Number(process.env.REKINDLE_MEMORY_EVERY_MS ?? 2000)).unref();
}
