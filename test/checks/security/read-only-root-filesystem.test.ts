import { describe, it } from 'node:test';
import check from '../../../src/checks/security/read-only-root-filesystem.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('read-only-root-filesystem', () => {
  it('fires on long-running containers and native sidecars, not on init containers', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: app:1.0
        - name: proxy
          image: envoy:v1.31
          restartPolicy: Always
      containers:
        - name: app
          image: app:1.0
          securityContext:
            readOnlyRootFilesystem: false
        - name: ro
          image: app:1.0
          securityContext: {readOnlyRootFilesystem: true}
`,
      [
        { line: 10, container: 'proxy', severity: 'warning', message: 'sidecar container "proxy": readOnlyRootFilesystem is not set' },
        { line: 17, container: 'app', message: 'readOnlyRootFilesystem: false' },
      ],
    );
  });

  it('skips Windows pods, where the field does not exist', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: w}
spec:
  os: {name: windows}
  containers:
    - name: a
      image: nanoserver:ltsc2022
`,
    );
  });

  it('skips privileged containers (they can remount the root filesystem writable)', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  template:
    spec:
      containers:
        - name: priv
          image: agent:1.0
          securityContext: {privileged: true}
        - name: plain
          image: agent:1.0
          securityContext: {privileged: false}
`,
      [{ container: 'plain', message: 'readOnlyRootFilesystem is not set' }],
    );
  });
});
