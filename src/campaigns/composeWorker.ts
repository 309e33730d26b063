/**
 * A compose thread (see composeThreads.ts): the dispatcher's Composer, rebuilt here from the same
 * config and signing key, turning each send's context into the exact message bytes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createLinkSigner } from '../links/tokens';
import { resolveSecretKey } from '../secretKey';
import { Composer, TemplateBatch } from './composer';
import type { FromThread, ThreadSetup, ToThread } from './composeThreads';
import type { RunInfo } from './runInfo';

const setup = workerData as ThreadSetup;
const signer = createLinkSigner({ current: resolveSecretKey(setup.config, setup.dataDir).key, previous: setup.config.previousSecretKeys });
if (signer.currentKeyId !== setup.keyId) throw new Error('the compose thread found another signing key than the dispatcher uses');
const composer = new Composer(setup.config, signer, setup.viewsDir);
const runs = new Map<number, RunInfo>();
let batch: TemplateBatch = new Map();
const port = parentPort as NonNullable<typeof parentPort>;
/**
 * The message bytes (20 KB or so) are handed over, not copied: copying them into the reply and
 * out again was a quarter of a millisecond per email across both threads. Only a buffer that owns
 * its whole memory: a small one may sit in Node's shared pool, which must stay here.
 */
const handedOver = (raw: Buffer): ArrayBuffer[] =>
  raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength && raw.buffer instanceof ArrayBuffer ? [raw.buffer] : [];
const reply = (message: FromThread) => port.postMessage(message, 'message' in message ? handedOver(message.message.raw) : []);

port.on('message', (m: ToThread) => {
  if (m.type === 'run') runs.set(m.run.id, m.run);
  else if (m.type === 'batch') batch = new Map();
  else {
    composer.compose(m.ctx, runs.get(m.runId) as RunInfo, new Date(m.now), { batch }).then(
      (message) => reply({ id: m.id, message }),
      (error: Error) => reply({ id: m.id, error: error.message }),
    );
  }
});
