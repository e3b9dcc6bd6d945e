import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { idleCommand } from '../../src/model/idle.js';

describe('idleCommand', () => {
  it('recognises sleep, tail -f /dev/null, a sleep loop and the pause image, directly or through a shell', () => {
    const cases: [object, string][] = [
      [{ command: ['sleep', '3600'] }, 'sleep 3600'],
      [{ command: ['/bin/sleep', 'infinity'] }, 'sleep infinity'],
      [{ command: ['sleep'], args: ['1d'] }, 'sleep 1d'],
      [{ args: ['sleep', '10000'] }, 'sleep 10000'],
      [{ command: ['sh', '-c', 'sleep infinity'] }, 'sleep infinity'],
      [{ command: ['sh', '-c', 'exec tail -f /dev/null'] }, 'tail -f /dev/null'],
      [{ command: ['/bin/sh', '-c', 'while true; do sleep 30; done'] }, 'while true; do sleep 30; done'],
      [{ command: ['/bin/bash', '-c'], args: ['while :; do sleep 3600; done;'] }, 'while :; do sleep 3600; done'],
      [{ image: 'registry.k8s.io/pause:3.10' }, 'the pause image'],
    ];
    for (const [c, want] of cases) assert.equal(idleCommand(c as never), want, JSON.stringify(c));
  });

  it('does not take real work for idling', () => {
    const cases: object[] = [
      { command: ['sh', '-c', 'sleep 10 && ./run'] },
      { command: ['sh', '-c', 'sleep infinity & exec ./server'] },
      { command: ['sleep', '$(SECONDS)'] },
      { image: 'busybox:1.36' },
      { command: ['tail', '-f', '/var/log/app.log'] },
      { command: ['sh', 'sleep.sh'] },
      { command: ['while true; do ./poll; sleep 30; done'] },
      { command: [] },
    ];
    for (const c of cases) assert.equal(idleCommand(c as never), undefined, JSON.stringify(c));
  });
});
