/**
 * Worker threads that run js-yaml's event parser, the most expensive step of loading, while the
 * main thread builds values from the previous chunks. Used for large inputs only; any failure to
 * start a worker leaves loading on the main thread.
 */
import type { Worker } from 'node:worker_threads';
import { workerThreads } from './builtins.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where the worker script sits: next to this module (tsc output, sources) or next to the bundle. */
function workerUrl(): URL | null {
  // Built code only (the bundle's dist/parse-worker.mjs, or tsc's parse-worker.js): running from
  // TypeScript sources (tests under tsx) parses on the main thread.
  for (const rel of ['./parse-worker.mjs', '../parse-worker.mjs', './parse-worker.js']) {
    const u = new URL(rel, import.meta.url);
    if (u.protocol === 'file:' && existsSync(fileURLToPath(u))) return u;
  }
  return null;
}

export class ParsePool {
  private next = 0;
  private rr = 0;
  private waiting = new Map<number, (flat: Int32Array | null) => void>();
  /** Set once any worker failed: from then on everything is parsed on the main thread. */
  private dead = false;
  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on('message', (m: { id: number; flat: Int32Array | null }) => {
        const done = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        done?.(m.flat);
      });
      // A crashed worker: everything it had is parsed on the main thread instead.
      w.on('error', (e) => {
        if (process.env.KUBEREADY_DEBUG) process.stderr.write(`kubeready: parse worker failed: ${String(e)}\n`);
        this.failAll();
      });
      w.on('exit', () => this.failAll());
    }
  }

  static create(size: number): ParsePool | null {
    const url = workerUrl();
    if (!url || size < 1) return null;
    try {
      // No inherited flags: the process may have been started with -e or --input-type.
      const workers = Array.from({ length: size }, () => new (workerThreads().Worker)(url, { execArgv: [] }));
      return new ParsePool(workers);
    } catch {
      return null;
    }
  }

  private failAll(): void {
    this.dead = true;
    for (const done of this.waiting.values()) done(null);
    this.waiting.clear();
  }

  /** Parse this text; null means "parse it yourself" (a syntax error, or a worker problem). */
  parse(text: string): Promise<Int32Array | null> {
    if (this.dead) return Promise.resolve(null);
    const id = this.next++;
    const w = this.workers[this.rr++ % this.workers.length];
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      try {
        w.postMessage({ id, text });
      } catch {
        this.waiting.delete(id);
        resolve(null);
      }
    });
  }

  async close(): Promise<void> {
    this.failAll();
    await Promise.all(this.workers.map((w) => w.terminate().catch(() => 0)));
  }
}
