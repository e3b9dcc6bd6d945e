/** Worker thread: parse YAML text into a flat event array (see yaml.ts parseEventsFlat). */
import { parentPort } from 'node:worker_threads';
import { parseEventsFlat } from './yaml.js';

parentPort?.on('message', (m: { id: number; text: string }) => {
  let flat: Int32Array | null = null;
  try {
    flat = parseEventsFlat(m.text);
  } catch {
    // The main thread parses this chunk itself and reports the error with its document.
    flat = null;
  }
  if (flat) parentPort!.postMessage({ id: m.id, flat }, [flat.buffer as ArrayBuffer]);
  else parentPort!.postMessage({ id: m.id, flat: null });
});
