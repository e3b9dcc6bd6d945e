import { describe, it } from 'node:test';
import check from '../../../src/checks/resources/limitrange-violation.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import assert from 'node:assert/strict';
import { applyFixes } from '../../helpers/apply-fix.js';
import { findCheck } from '../../../src/checks/index.js';

const limitRange = `apiVersion: v1
kind: LimitRange
metadata: {name: team-limits, namespace: team}
spec:
  limits:
    - type: Container
      max: {cpu: "2", memory: 2Gi}
      min: {memory: 64Mi}
      default: {cpu: "1", memory: 512Mi}
      defaultRequest: {cpu: 100m, memory: 256Mi}
      maxLimitRequestRatio: {cpu: "4"}
---
`;

describe('limitrange-violation', () => {
  it('fires on limits above max, requests below min, and limit/request ratios above the maximum', () => {
    expectFindings(
      check,
      `${limitRange}apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: team}
spec:
  template:
    spec:
      containers:
        - name: big
          image: app:1
          resources:
            limits: {memory: 4Gi}
        - name: tiny
          image: app:1
          resources:
            requests: {memory: 32Mi}
        - name: bursty
          image: app:1
          resources:
            requests: {cpu: 100m}
            limits: {cpu: "1"}
`,
      [
        { line: 23, container: 'big', message: 'container "big" has a memory limit of 4Gi, above the maximum 2Gi of LimitRange "team-limits": pods are rejected at admission' },
        { line: 27, container: 'tiny', message: 'has a memory request of 32Mi, below the minimum 64Mi of LimitRange "team-limits"' },
        { line: 32, container: 'bursty', message: 'a ratio of 10 above the maxLimitRequestRatio 4' },
      ],
    );
  });

  it('applies LimitRange defaults when computing the ratio (written request, default limit)', () => {
    expectFindings(
      check,
      `${limitRange}apiVersion: v1
kind: Pod
metadata: {name: p, namespace: team}
spec:
  initContainers:
    - name: init
      image: x:1
      resources: {requests: {cpu: 50m}}
  containers:
    - name: app
      image: x:1
`,
      [{ line: 20, container: 'init', message: 'cpu limit of 1 (default from LimitRange "team-limits") and a request of 50m, a ratio of 20' }],
    );
  });

  it('is silent within bounds, in other namespaces, and when only LimitRange defaults are involved', () => {
    expectNone(
      check,
      `${limitRange}apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: team}
spec:
  template:
    spec:
      containers:
        - name: ok
          image: app:1
          resources:
            requests: {cpu: 500m, memory: 1Gi}
            limits: {cpu: "2", memory: 2Gi}
        - name: defaults
          image: app:1
        - name: limit-only
          image: app:1
          resources: {limits: {cpu: "2", memory: 128Mi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: elsewhere, namespace: other}
spec:
  template:
    spec:
      containers:
        - name: big
          image: app:1
          resources: {limits: {memory: 64Gi}}
`,
    );
  });

  it('does not throw on a malformed LimitRange', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: LimitRange
metadata: {name: broken}
spec:
  limits:
    - type: Container
      max: "2Gi"
      min: {memory: lots}
    - "junk"
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: x:1
      resources: {limits: {memory: 1Gi}}
`,
    );
  });
});

const TEAM = `${limitRange}apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: team}
spec:
  template:
    spec:
      containers:
        - name: big
          image: app:1
          resources:
            limits: {memory: 4Gi}
        - name: tiny
          image: app:1
          resources:
            requests: {memory: 32Mi}
        - name: bursty
          image: app:1
          resources:
            requests: {cpu: 100m}
            limits: {cpu: "1"}
---
apiVersion: v1
kind: LimitRange
metadata: {name: mem-ratio, namespace: team}
spec:
  limits:
    - {type: Container, maxLimitRequestRatio: {memory: "3"}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: team}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          initContainers:
            - name: load
              image: app:1
              resources:
                requests: {cpu: "3", memory: 100Mi}
                limits: {cpu: "3", memory: 1Gi}
          containers:
            - {name: report, image: app:1, resources: {requests: {cpu: 500m, memory: 512Mi}, limits: {cpu: 1, memory: 1Gi}}}
`;

describe('limitrange-violation: the fix holds the numbers the LimitRanges allow', () => {
  it('a Deployment: each container\'s values, with what they were and which bound moved them', () => {
    const found = runCheck(check, TEAM).filter((f) => f.object.name === 'web');
    const by = (c: string) => found.find((f) => f.container === c)!.fixYaml;
    assert.equal(
      by('big'),
      `spec:
  template:
    spec:
      containers:
      - name: big
        resources:
          requests:
            memory: 2Gi   # was 4Gi: at most the LimitRange "team-limits" max 2Gi
          limits:
            memory: 2Gi   # was 4Gi: at most the LimitRange "team-limits" max 2Gi`,
    );
    // Raised to the min, then to a third of the default limit (512Mi, left to the LimitRange) for the other LimitRange's ratio.
    assert.equal(by('tiny'), `spec:\n  template:\n    spec:\n      containers:\n      - name: tiny\n        resources:\n          requests:\n            memory: 171Mi   # was 32Mi: limit 512Mi / LimitRange "mem-ratio" maxLimitRequestRatio 3`);
    assert.match(by('bursty')!, /requests:\n {12}cpu: 250m {3}# was 100m: limit 1 \/ LimitRange "team-limits" maxLimitRequestRatio 4\n {10}limits:\n {12}cpu: "1"$/);
  });

  it('a CronJob\'s init container: every bound of the resource at once (cpu max, memory ratio rounded up to whole Mi)', () => {
    const found = runCheck(check, TEAM).filter((f) => f.object.name === 'report');
    assert.deepEqual(found.map((f) => f.container), ['load', 'load']);
    const cpu = found.find((f) => f.message.includes('cpu'))!;
    const mem = found.find((f) => f.message.includes('memory'))!;
    assert.match(cpu.fixYaml!, /^spec:\n {2}jobTemplate:\n {4}spec:\n {6}template:\n {8}spec:\n {10}initContainers:\n {10}- name: load\n {12}resources:\n {14}requests:\n {16}cpu: "2" {3}# was 3: at most the LimitRange "team-limits" max 2\n {14}limits:\n {16}cpu: "2" {3}# was 3: at most/);
    // 1Gi / 3 = 341.3Mi: a request of 341Mi would still be refused.
    assert.match(mem.fixYaml!, /memory: 342Mi {3}# was 100Mi: limit 1Gi \/ LimitRange "mem-ratio" maxLimitRequestRatio 3\n {14}limits:\n {16}memory: 1Gi$/);
  });

  it('applying every finding\'s fix clears them all, and no request ends above its limit', () => {
    const { before, after, fixed } = applyFixes(check, TEAM);
    assert.equal(before.length, 5);
    assert.deepEqual(after.map((f) => `${f.container}: ${f.message}`), [], fixed);
    for (const id of ['resource-request-above-limit', 'invalid-resource-quantity']) {
      assert.deepEqual(runCheck(findCheck(id)!, fixed).map((f) => f.message), [], `${id}:\n${fixed}`);
    }
  });
});
