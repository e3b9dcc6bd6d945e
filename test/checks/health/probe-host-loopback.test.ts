import { describe, it } from 'node:test';
import check from '../../../src/checks/health/probe-host-loopback.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

const deployment = (hostNetwork: string, probes: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
${hostNetwork}      containers:
        - name: app
          image: example.com/app:1.0
${probes}`;

describe('probe-host-loopback', () => {
  it('fires per probe or hook that targets 127.0.0.1 or ::1 on a pod that is not on the host network', () => {
    expectFindings(
      check,
      deployment(
        '',
        `          readinessProbe: {httpGet: {path: /ready, port: 8080, host: 127.0.0.1}}
          livenessProbe: {tcpSocket: {port: 8080, host: "::1"}}
          lifecycle:
            preStop: {httpGet: {path: /drain, port: 8080, host: 127.0.0.1}}
`,
      ),
      [
        { line: 10, container: 'app', severity: 'warning', message: 'readinessProbe.httpGet.host: "127.0.0.1" is the node\'s loopback' },
        { line: 11, container: 'app', message: 'livenessProbe.tcpSocket.host: "::1"' },
        { line: 13, container: 'app', message: 'the hook reaches whatever listens on the node' },
      ],
    );
  });

  it('localhost is the node\'s loopback too', () => {
    expectFindings(check, deployment('', '          livenessProbe: {httpGet: {path: /live, port: 8080, host: localhost}}\n'), [
      { line: 10, container: 'app', message: 'livenessProbe.httpGet.host: "localhost" is the node\'s loopback' },
    ]);
  });

  it('silent on a host-networked pod (its loopback is the node\'s), without host, with other hosts (host-probes reports those), and on exec probes', () => {
    expectNone(check, deployment('      hostNetwork: true\n', '          readinessProbe: {httpGet: {path: /ready, port: 8080, host: 127.0.0.1}}\n'));
    expectNone(
      check,
      deployment(
        '',
        `          readinessProbe: {httpGet: {path: /ready, port: 8080}}
          livenessProbe: {httpGet: {path: /live, port: 8080, host: 10.0.0.5}}
          startupProbe: {exec: {command: [curl, -f, http://127.0.0.1:8080/ready]}}
`,
      ),
    );
  });
});
