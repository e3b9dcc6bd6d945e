/**
 * `kubeready audit . | head`: a reader that closes the pipe early ends nothing with a stack trace;
 * `kubeready audit . -o json | slow-reader`: the reader gets the whole report.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../dist/cli.mjs', import.meta.url));

/** Run the built CLI, read its first chunk of standard output, then close the pipe. */
function runAndCloseEarly(args: string[], cwd: string): Promise<{ code: number | null; stderr: string; got: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let got = 0;
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.stdout.once('data', (b: Buffer) => {
      got = b.length;
      child.stdout.destroy();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, got }));
  });
}

describe('a closed standard output (built CLI)', () => {
  it('stops writing and exits with the audit exit code, no stack trace, for JSON and text', async () => {
    assert.ok(existsSync(cli), 'dist/cli.mjs is built by `npm test` before the tests run');
    const dir = mkdtempSync(join(tmpdir(), 'kr-pipe-'));
    try {
      // Far more output than a pipe buffers (64 KiB), so writes go on after the reader is gone.
      const docs = Array.from({ length: 400 }, (_, i) =>
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}\nspec:\n  selector:\n    matchLabels: {app: app-${i}}\n  template:\n    metadata:\n      labels: {app: app-${i}}\n    spec:\n      containers:\n        - name: c\n          image: example/app:latest\n`);
      writeFileSync(join(dir, 'many.yaml'), docs.join('---\n'));
      for (const format of ['json', 'text']) {
        const r = await runAndCloseEarly(['audit', 'many.yaml', '-o', format], dir);
        assert.ok(r.got > 0, 'some output was read');
        // Nothing on standard error but the findings gate's one line (no EPIPE, no stack trace).
        assert.match(r.stderr, /^(kubeready: exit 1: [^\n]*\n)?$/, `${format}: ${r.stderr}`);
        // Not ready (no requests, :latest): the findings gate's code, not a crash's.
        assert.equal(r.code, 1, format);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Run the built CLI and read its standard output slowly (a pause after each chunk), as `| jq` on a busy machine. */
function runSlowReader(args: string[], cwd: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => {
      chunks.push(b);
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 2);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(chunks).toString('utf8') }));
  });
}

describe('a slow reader of standard output (built CLI)', () => {
  it('gets the whole JSON report, the same as written to a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kr-slow-'));
    try {
      // Many pieces of JSON (PIECE, 48 KiB each), far more than a pipe buffers.
      const docs = Array.from({ length: 1500 }, (_, i) =>
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}\nspec:\n  selector:\n    matchLabels: {app: app-${i}}\n  template:\n    metadata:\n      labels: {app: app-${i}}\n    spec:\n      containers:\n        - name: c\n          image: example/app:latest\n`);
      writeFileSync(join(dir, 'many.yaml'), docs.join('---\n'));
      const r = await runSlowReader(['audit', 'many.yaml', '-o', 'json', '-o', 'json=report.json'], dir);
      assert.equal(r.code, 1);
      const file = readFileSync(join(dir, 'report.json'), 'utf8');
      assert.ok(r.stdout.length > 2 ** 21, `${r.stdout.length} characters`);
      assert.equal(r.stdout, file);
      assert.equal(JSON.parse(r.stdout).verdicts.length, 1500);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
