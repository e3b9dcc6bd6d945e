import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadAll } from 'js-yaml';
import check from '../../../src/checks/health/prestop-exceeds-grace-period.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('prestop-exceeds-grace-period', () => {
  it('fires on an exec sleep at the default grace period and a sleep action equal to the grace period', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: app
          image: example.com/app:1
          lifecycle:
            preStop:
              exec:
                command: ["sleep", "30"]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 20
      containers:
        - name: api
          image: example.com/api:1
          lifecycle:
            preStop:
              sleep:
                seconds: 20
`,
      [
        {
          line: 13,
          container: 'app',
          severity: 'warning',
          message: 'container "app": lifecycle.preStop sleeps 30 s (exec ["sleep","30"]) and terminationGracePeriodSeconds is unset (30 s by default): the hook uses the whole grace period, so the app gets SIGTERM only when it has run out, and SIGKILL 2 s later',
        },
        { line: 28, container: 'api', severity: 'warning', message: 'sleeps 20 s (sleep.seconds 20) and terminationGracePeriodSeconds is 20' },
      ],
    );
  });

  it('reads shell scripts that start with sleep N, and counts a longer sleep as the whole grace period', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 10
      initContainers:
        - name: proxy
          image: example.com/proxy:1
          restartPolicy: Always
          lifecycle:
            preStop:
              exec:
                command: ["/bin/sh", "-c", "sleep 15 && /usr/local/bin/drain"]
      containers:
        - name: db
          image: example.com/db:1
          lifecycle:
            preStop:
              exec:
                command:
                  - /bin/bash
                  - -ec
                  - |
                    sleep 10
`,
      [
        { line: 15, container: 'proxy', message: 'sidecar container "proxy": lifecycle.preStop sleeps at least 15 s (exec "sleep 15 && /usr/local/bin/drain" (which starts with sleep 15))' },
        { line: 22, container: 'db', message: 'sleeps 10 s (exec "sleep 10") and terminationGracePeriodSeconds is 10' },
      ],
    );
  });

  it('reports a sleep action above the grace period as rejected by the API server (error)', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: example.com/app:1
      lifecycle:
        preStop:
          sleep: {seconds: 45}
`,
      [{ line: 10, severity: 'error', message: 'lifecycle.preStop.sleep.seconds is 45, above the grace period (terminationGracePeriodSeconds is unset (30 s by default)): the API server rejects the Pod' }],
    );
  });

  it('warns on any preStop hook with terminationGracePeriodSeconds 0', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 0
      containers:
        - name: nginx
          image: nginx:1.27
          lifecycle:
            preStop:
              exec:
                command: ["nginx", "-s", "quit"]
        - name: noop
          image: example.com/app:1
          lifecycle:
            preStop:
              sleep: {seconds: 0}
`,
      [{ line: 7, container: 'nginx', severity: 'warning', message: 'has a lifecycle.preStop hook (exec) but terminationGracePeriodSeconds is 0: a deleted pod is removed from the API at once, and the kubelet gives the hook at most 1 s' }],
    );
  });

  it('reports (info) a sleep that leaves fewer than minShutdownSeconds, with the param honoured', () => {
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 30
      containers:
        - name: app
          image: example.com/app:1
          lifecycle:
            preStop:
              exec:
                command: ["/bin/sh", "-c", "sleep 27"]
`;
    expectFindings(check, yaml, [{ line: 14, severity: 'info', message: 'SIGKILL 3 s later (fewer than minShutdownSeconds 5)' }]);
    expectNone(check, yaml, { params: { minShutdownSeconds: 3 } });
  });

  it('is silent on short sleeps, untimed scripts, suffixes, templated values and odd shapes', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 60
      containers:
        - name: a
          image: example.com/app:1
          lifecycle: {preStop: {sleep: {seconds: 15}}}
        - name: b
          image: example.com/app:1
          lifecycle: {preStop: {exec: {command: ["/wait-shutdown"]}}}
        - name: c
          image: example.com/app:1
          lifecycle: {preStop: {httpGet: {path: /drain, port: 8080}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: other}
spec:
  template:
    spec:
      containers:
        - name: suffix
          image: example.com/app:1
          lifecycle: {preStop: {exec: {command: ["sleep", "30s"]}}}
        - name: operands
          image: example.com/app:1
          lifecycle: {preStop: {exec: {command: ["sleep", "20", "20"]}}}
        - name: later
          image: example.com/app:1
          lifecycle: {preStop: {exec: {command: ["sh", "-c", "nginx -s quit; sleep 40"]}}}
        - name: background
          image: example.com/app:1
          lifecycle: {preStop: {exec: {command: ["sh", "-c", "sleep 40 & wait-for-drain"]}}}
        - name: variable
          image: example.com/app:1
          lifecycle: {preStop: {exec: {command: ["sh", "-c", "sleep $DELAY"]}}}
        - name: templated
          image: example.com/app:1
          lifecycle: {preStop: {sleep: {seconds: "{{ .Values.preStopSleep }}"}}}
        - name: string
          image: example.com/app:1
          lifecycle: {preStop: "sleep 60"}
        - name: two-handlers
          image: example.com/app:1
          lifecycle: {preStop: {sleep: {seconds: 60}, exec: {command: ["sleep", "60"]}}}
      initContainers:
        - name: migrate
          image: example.com/app:1
          lifecycle: {preStop: {exec: {command: ["sleep", "60"]}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: templated-grace}
spec:
  template:
    spec:
      terminationGracePeriodSeconds: "{{ .Values.grace }}"
      containers:
        - name: app
          image: example.com/app:1
          lifecycle: {preStop: {exec: {command: ["sleep", "90"]}}}
`,
    );
  });
});

describe('prestop-exceeds-grace-period: fixes', () => {
  const deployment = (grace: string, preStop: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
${grace}      containers:
        - name: gateway
          image: example.com/gateway:1
          lifecycle:
            preStop:
${preStop}`;

  it("an exec sleep: the grace period at the workload's own field, the message's sleep + 30, and no second handler", () => {
    const text = deployment('      terminationGracePeriodSeconds: 40\n', '              exec: {command: ["sleep", "40"]}\n');
    const [f] = expectFindings(check, text, [{ container: 'gateway', message: 'sleeps 40 s' }]);
    assert.equal(f.fix, 'Set spec.template.spec.terminationGracePeriodSeconds to at least 70 (the 40 s preStop sleep of container "gateway" + 30 s for the app to shut down after SIGTERM), or shorten the sleep.');
    assert.doesNotMatch(f.fix ?? '', /sleep:|seconds:/);
    // Applied as written: silent, and the hook keeps its one handler.
    expectNone(check, text.replace('terminationGracePeriodSeconds: 40', 'terminationGracePeriodSeconds: 70'));
  });

  it('a script that sleeps then does more: "plus what the rest of its script takes"; a Pod: spec.terminationGracePeriodSeconds', () => {
    const [f] = expectFindings(check, deployment('', '              exec: {command: ["/bin/sh", "-c", "sleep 30; nginx -s quit"]}\n'), [{ container: 'gateway' }]);
    assert.equal(f.fix, 'Set spec.template.spec.terminationGracePeriodSeconds to at least 60 (the 30 s preStop sleep of container "gateway" + 30 s for the app to shut down after SIGTERM, plus what the rest of its script takes), or shorten the sleep.');
    const [p] = expectFindings(check, `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: app\n      image: example.com/app:1\n      lifecycle: {preStop: {sleep: {seconds: 45}}}\n`, [{ severity: 'error' }]);
    assert.equal(p.fix, 'Set spec.terminationGracePeriodSeconds to at least 75 (the 45 s preStop sleep of container "app" + 30 s for the app to shut down after SIGTERM), or shorten the sleep.');
  });

  it('the info finding and the grace-0 finding get their own fix', () => {
    const [i] = expectFindings(check, deployment('      terminationGracePeriodSeconds: 30\n', '              exec: {command: ["sleep", "27"]}\n'), [{ severity: 'info' }]);
    assert.match(i.fix ?? '', /^Set spec\.template\.spec\.terminationGracePeriodSeconds to at least 57 \(the 27 s preStop sleep/);
    const [z] = expectFindings(check, deployment('      terminationGracePeriodSeconds: 0\n', '              httpGet: {path: /drain, port: 8080}\n'), [{ container: 'gateway' }]);
    assert.equal(z.fix, 'Set spec.template.spec.terminationGracePeriodSeconds to what the preStop hook of container "gateway" takes plus the app\'s shutdown time after SIGTERM (30, the default, if unsure), or remove the hook.');
  });

  it('the documentation YAML parses and sets only terminationGracePeriodSeconds (no handler)', () => {
    const docs = loadAll(check.fix.yaml) as Record<string, unknown>[];
    assert.deepEqual(docs, [{ terminationGracePeriodSeconds: 70 }]);
    assert.match(check.fix.text, /may replace an exec sleep, never sit beside it/);
  });
});
