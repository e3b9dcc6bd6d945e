/**
 * emptydir-memory-no-size-limit: each finding's own fix. The sizeLimit is derived from what the pod
 * has: half of the smallest memory limit among the containers that mount the volume (their own, else
 * the pod-level limit), since the files count against it; without a limit, the fix says the value must
 * be chosen and why; an unmounted volume is to be deleted, except the volumes GKE's gcsfuse sidecar mounts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/resources/emptydir-memory-no-size-limit.js';
import { allChecks } from '../../../src/checks/index.js';
import { runCheck } from '../../helpers/check-tester.js';
import { applyFixes } from '../../helpers/apply-fix.js';
import type { Check } from '../../../src/checks/types.js';

const byId = (id: string): Check => allChecks.find((c) => c.id === id)!;

const TRAIN = `apiVersion: batch/v1
kind: Job
metadata: {name: train}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: trainer
        image: pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime
        resources:
          requests: {memory: 48Gi}
          limits: {memory: 64Gi}
        volumeMounts: [{name: dshm, mountPath: /dev/shm}]
      volumes:
      - name: dshm
        emptyDir: {medium: Memory}
`;

describe('emptydir-memory-no-size-limit: the fix of each finding', () => {
  it('/dev/shm of a 64Gi training job gets half of the limit, not a fixed 256Mi, with the reason', () => {
    const [f] = runCheck(check, TRAIN);
    assert.equal(
      f.fixYaml,
      `spec:
  template:
    spec:
      volumes:
      - name: dshm
        emptyDir:
          sizeLimit: 32Gi   # half of "trainer"'s 64Gi memory limit: the files count against it`,
    );
    assert.equal(
      f.fix,
      'Set sizeLimit: 32Gi on volume "dshm" (mounted by container "trainer" at /dev/shm): half of the 64Gi memory limit of container "trainer", which mounts it. Files in a memory-backed emptyDir count against the memory limit of the container that writes them, so a volume as large as the limit would leave nothing to the process and end in an OOM kill; at 32Gi a write past the size fails with "No space left on device" instead, and the other half stays for the process. If the application keeps more there, raise both the sizeLimit and the memory limit.',
    );
  });

  it('applied: the finding is gone, medium: Memory stays, and no quantity check objects', () => {
    const { before, after, fixed } = applyFixes(check, TRAIN);
    assert.equal(before.length, 1);
    assert.deepEqual(after, [], fixed);
    assert.match(fixed, /emptyDir:\n\s+medium: Memory\n\s+sizeLimit: 32Gi/);
    for (const id of ['invalid-resource-quantity', 'resource-request-above-limit']) assert.deepEqual(runCheck(byId(id), fixed), [], id);
  });

  it('several containers mount it: the smallest limit counts; sizes that are not whole GiB are written in MiB', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: render}
spec:
  selector: {matchLabels: {app: render}}
  template:
    metadata: {labels: {app: render}}
    spec:
      initContainers:
      - name: warm
        image: registry.example.com/warm:1.0
        resources: {limits: {memory: 3Gi}}
        volumeMounts: [{name: cache, mountPath: /cache}]
      containers:
      - name: chrome
        image: registry.example.com/chrome:1.0
        resources: {limits: {memory: 1500Mi}}
        volumeMounts: [{name: cache, mountPath: /cache}, {name: cache, mountPath: /also, subPath: x}]
      volumes:
      - name: cache
        emptyDir: {medium: Memory}
`;
    const [f] = runCheck(check, text);
    assert.match(f.fixYaml!, /sizeLimit: 750Mi {3}# half of "chrome"'s 1500Mi memory limit/);
    assert.match(f.fix!, /^Set sizeLimit: 750Mi on volume "cache" \(mounted by init container "warm" at \/cache and container "chrome" at \/cache, \/also\): half of the 1500Mi memory limit of container "chrome", the smallest among the containers that mount it\./);
    assert.deepEqual(applyFixes(check, text).after, []);
    // 1.5Gi / 2 = 768Mi; 1Gi / 2 = 512Mi; a limit written in bytes or decimal units too.
    for (const [limit, size] of [['1.5Gi', '768Mi'], ['1Gi', '512Mi'], ['2G', '953Mi'], ['536870912', '256Mi']]) {
      assert.match(runCheck(check, TRAIN.replace('64Gi}', `${JSON.stringify(limit)}}`).replace('requests: {memory: 48Gi}', 'requests: {}'))[0].fixYaml!, new RegExp(`sizeLimit: ${size} `), limit);
    }
  });

  it("a container without its own limit: the pod-level memory limit counts, said as the pod's", () => {
    const text = TRAIN.replace('        resources:\n          requests: {memory: 48Gi}\n          limits: {memory: 64Gi}\n', '').replace('      restartPolicy: Never\n', '      restartPolicy: Never\n      resources: {limits: {memory: 8Gi}}\n');
    const [f] = runCheck(check, text);
    assert.match(f.fix!, /^Set sizeLimit: 4Gi on volume "dshm" .*: half of the pod's memory limit of 8Gi \(spec.resources.limits.memory\), which mounts it/);
    assert.match(f.fixYaml!, /sizeLimit: 4Gi {3}# half of the pod's 8Gi memory limit/);
  });

  it('a container without a memory limit: the size must be chosen, and why; no YAML with a made-up number', () => {
    const text = TRAIN.replace('          limits: {memory: 64Gi}\n', '');
    const [f] = runCheck(check, text);
    assert.equal(f.fixYaml, undefined);
    assert.equal(
      f.fix,
      'Set emptyDir.sizeLimit on volume "dshm" (mounted by container "trainer" at /dev/shm) to what the application keeps there (for /dev/shm: the shared memory it uses, e.g. a data loader\'s batches in flight): container "trainer" has no memory limit, so no size can be derived from one, and nothing but the node\'s memory bounds the volume today. The files count against the memory of the container that writes them: give container "trainer" a memory limit that holds the volume and the process together.',
    );
    // An invalid limit is no limit to derive from (invalid-resource-quantity reports it).
    assert.equal(runCheck(check, TRAIN.replace('limits: {memory: 64Gi}', 'limits: {memory: 64GB}'))[0].fixYaml, undefined);
  });

  it('a volume no container mounts: delete it', () => {
    const text = TRAIN.replace('        volumeMounts: [{name: dshm, mountPath: /dev/shm}]\n', '');
    const [f] = runCheck(check, text);
    assert.equal(f.fix, 'No container mounts volume "dshm", so the kubelet does not set it up and it holds nothing: delete it from spec.template.spec.volumes. If a container is to mount it, set its sizeLimit to what that container keeps there, within the container\'s memory limit.');
    assert.equal(f.fixYaml, undefined);
  });

  it("GKE's gcsfuse sidecar mounts gke-gcsfuse-cache: sized from its memory-limit annotation, or chosen when it has none", () => {
    const text = (annotations: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: serve}
spec:
  selector: {matchLabels: {app: serve}}
  template:
    metadata:
      labels: {app: serve}
      annotations: {${annotations}}
    spec:
      containers:
      - name: server
        image: registry.example.com/serve:1.0
      volumes:
      - name: gke-gcsfuse-cache
        emptyDir: {medium: Memory}
`;
    const [none] = runCheck(check, text('gke-gcsfuse/volumes: "true", gke-gcsfuse/memory-limit: "0"'));
    assert.equal(none.fixYaml, undefined);
    assert.match(none.fix!, /^Set emptyDir.sizeLimit on volume "gke-gcsfuse-cache", the file cache of the gke-gcsfuse-sidecar container that GKE's Cloud Storage FUSE CSI driver injects \(gke-gcsfuse\/volumes: "true"\), which mounts it, to the size gcsfuse may fill there .*: it has no memory limit \(gke-gcsfuse\/memory-limit: "0"\)/);
    assert.match(runCheck(check, text('gke-gcsfuse/volumes: "true"'))[0].fix!, /its memory limit is the driver's default \(the pod sets no gke-gcsfuse\/memory-limit annotation\)/);
    const [limited] = runCheck(check, text('gke-gcsfuse/volumes: "true", gke-gcsfuse/memory-limit: 2Gi'));
    assert.match(limited.fixYaml!, /sizeLimit: 1Gi {3}# half of the gke-gcsfuse-sidecar memory limit \(gke-gcsfuse\/memory-limit: 2Gi\)/);
    assert.deepEqual(applyFixes(check, text('gke-gcsfuse/volumes: "true", gke-gcsfuse/memory-limit: 2Gi')).after, []);
    // Without the annotation nothing is injected: an unmounted volume like any other.
    assert.match(runCheck(check, text('other: "x"'))[0].fix!, /^No container mounts volume "gke-gcsfuse-cache"/);
  });

  it("a custom resource's other template: the snippet names its list item", () => {
    const ray = `apiVersion: ray.io/v1
kind: RayCluster
metadata: {name: rc}
spec:
  headGroupSpec:
    template:
      spec:
        containers:
        - {name: head, image: rayproject/ray:2.9.0, resources: {limits: {memory: 8Gi}}}
  workerGroupSpecs:
  - groupName: gpu
    template:
      spec:
        containers:
        - name: worker
          image: rayproject/ray:2.9.0
          resources: {limits: {memory: 16Gi}}
          volumeMounts: [{name: shm, mountPath: /dev/shm}]
        volumes:
        - name: shm
          emptyDir: {medium: Memory}
`;
    const [f] = runCheck(check, ray);
    assert.match(f.fixYaml!, /^# in spec.workerGroupSpecs\[0\]:\ntemplate:\n {2}spec:\n {4}volumes:\n {4}- name: shm\n {6}emptyDir:\n {8}sizeLimit: 8Gi /);
    assert.deepEqual(applyFixes(check, ray).after, []);
  });

  it('findings are unchanged: a sizeLimit (even 0) or a disk-backed emptyDir is silent', () => {
    assert.deepEqual(runCheck(check, TRAIN.replace('{medium: Memory}', '{medium: Memory, sizeLimit: 1Gi}')), []);
    assert.deepEqual(runCheck(check, TRAIN.replace('{medium: Memory}', '{medium: Memory, sizeLimit: 0}')), []);
    assert.deepEqual(runCheck(check, TRAIN.replace('{medium: Memory}', '{}')), []);
  });

  it('the documentation example sizes the volume within the limit of the container that mounts it', () => {
    assert.match(check.fix.yaml, /memory: 512Mi/);
    assert.match(check.fix.yaml, /sizeLimit: 256Mi/);
    assert.deepEqual(runCheck(check, `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
${check.fix.yaml.replace(/^/gm, '      ')}
`).map((f) => f.message), []);
  });
});
