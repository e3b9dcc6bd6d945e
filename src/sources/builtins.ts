/**
 * Node.js built-in modules that only some runs need (a cluster, a chart or overlay to render, a large
 * input parsed on worker threads), loaded on first use: auditing a small file does not load TLS, HTTP,
 * zlib, child processes and worker threads at start-up (about 10 ms on the benchmark machine).
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export const http = (): typeof import('node:http') => load('node:http');
export const https = (): typeof import('node:https') => load('node:https');
export const zlib = (): typeof import('node:zlib') => load('node:zlib');
export const childProcess = (): typeof import('node:child_process') => load('node:child_process');
export const workerThreads = (): typeof import('node:worker_threads') => load('node:worker_threads');
