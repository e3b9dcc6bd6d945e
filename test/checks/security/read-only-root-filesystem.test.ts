import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as yaml from 'js-yaml';
import check from '../../../src/checks/security/read-only-root-filesystem.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import { applyFixes, merge } from '../../helpers/apply-fix.js';

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

/** The pod specs of `text` (a Deployment's, a CronJob's, a Pod's). */
function podSpecs(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const d of yaml.loadAll(text) as Record<string, any>[]) {
    if (!d) continue;
    out.push(d.kind === 'Pod' ? d.spec : d.kind === 'CronJob' ? d.spec.jobTemplate.spec.template.spec : d.spec.template.spec);
  }
  return out;
}

/**
 * What the API server checks of volumes and mounts (ValidateVolumes, validateVolumeMounts): volume
 * names unique, each mount names a volume of the pod, no two mounts of a container at one path; and
 * each volume has one source.
 */
function volumeProblems(text: string): string[] {
  const out: string[] = [];
  for (const spec of podSpecs(text) as any[]) {
    const names = (spec.volumes ?? []).map((v: any) => v.name);
    for (const n of names) if (names.indexOf(n) !== names.lastIndexOf(n)) out.push(`duplicate volume ${n}`);
    for (const v of spec.volumes ?? []) if (Object.keys(v).filter((k) => k !== 'name').length !== 1) out.push(`volume ${v.name} has ${Object.keys(v).length - 1} sources`);
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      const paths = (c.volumeMounts ?? []).map((m: any) => String(m.mountPath).replace(/\/+$/, ''));
      for (const p of paths) if (paths.indexOf(p) !== paths.lastIndexOf(p)) out.push(`${c.name}: two mounts at ${p}`);
      for (const m of c.volumeMounts ?? []) if (!names.includes(m.name)) out.push(`${c.name}: mount ${m.name} names no volume`);
    }
  }
  return [...new Set(out)];
}

/** The container's readOnlyRootFilesystem, and the volume it mounts at /tmp (with its source). */
function tmpOf(text: string, container: string): { ro: unknown; volume?: string; source?: string } {
  for (const spec of podSpecs(text) as any[]) {
    const c = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].find((x: any) => x.name === container);
    if (!c) continue;
    const m = (c.volumeMounts ?? []).find((x: any) => String(x.mountPath).replace(/\/+$/, '') === '/tmp');
    const v = m && (spec.volumes ?? []).find((x: any) => x.name === m.name);
    return { ro: c.securityContext?.readOnlyRootFilesystem, volume: m?.name, source: v ? Object.keys(v).find((k) => k !== 'name') : undefined };
  }
  throw new Error(`no container ${container}`);
}

const fixOf = (text: string, container: string): string => {
  const f = runCheck(check, text).find((x) => x.container === container);
  assert.ok(f?.fixYaml, `a fix for ${container}`);
  return f.fixYaml;
};

// c44 of the fix review: the pod already has a volume named tmp (here mounted at the nginx cache); the
// documentation's `volumes: [{name: tmp}]` merged into it is rejected (Duplicate value "tmp").
const HAS_TMP = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        volumeMounts:
        - {name: tmp, mountPath: /var/cache/nginx}
      volumes:
      - name: tmp
        configMap: {name: web-cache}
`;

// Several containers of one pod: a native sidecar, an init container that is not checked but mounts a
// volume, a container whose /tmp is already a volume (written with a trailing slash), one that
// shares an emptyDir named tmp mounted elsewhere, and a mount name without a volume (a fragment).
const MANY = `apiVersion: apps/v1
kind: Deployment
metadata: {name: shop, namespace: shop}
spec:
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      initContainers:
      - name: setup
        image: busybox:1.36
        volumeMounts: [{name: tmp-api, mountPath: /work}]
      - name: proxy
        image: envoyproxy/envoy:v1.31.0
        restartPolicy: Always
      containers:
      - name: api
        image: registry.example/api:1.0
        volumeMounts: [{name: tmp, mountPath: /var/tmp}]
      - name: worker
        image: registry.example/worker:1.0
        volumeMounts: [{name: scratch, mountPath: /tmp/}]
      - name: cache
        image: registry.example/cache:1.0
        securityContext: {readOnlyRootFilesystem: false}
      - name: done
        image: registry.example/done:1.0
        securityContext: {readOnlyRootFilesystem: true}
      volumes:
      - {name: tmp, emptyDir: {}}
      - {name: scratch, emptyDir: {}}
      - {name: tmp-api, emptyDir: {}}
      - {name: tmp-cache, emptyDir: {}}
`;

const CRONJOB = `apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - {name: report, image: registry.example/report:1.0}
`;

const POD = `apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: shop}
spec:
  containers:
  - {name: "on", image: busybox:1.36, command: [sleep, "3600"]}
  - name: side
    image: busybox:1.36
    volumeMounts: [{name: tmp, mountPath: /tmp}]
  volumes:
  - {name: tmp, emptyDir: {}}
`;

describe('read-only-root-filesystem: the fix (fixYaml) fits the pod it is for', () => {
  it('the pod already has a volume "tmp": the fix adds one of another name, with its own mount at /tmp', () => {
    assert.equal(
      fixOf(HAS_TMP, 'web'),
      `spec:
  template:
    spec:
      containers:
        - name: web
          securityContext:
            readOnlyRootFilesystem: true
          volumeMounts:
            - name: tmp-web
              mountPath: /tmp   # a writable /tmp of its own; mount an emptyDir at each other path it writes to
      volumes:
        - name: tmp-web
          emptyDir: {}`,
    );
  });

  it('a single container with no volumes gets "tmp"; a CronJob\'s at its pod spec, a Pod\'s with how it is re-created', () => {
    assert.match(fixOf(CRONJOB, 'report'), /^spec:\n {2}jobTemplate:\n {4}spec:\n {6}template:\n {8}spec:\n {10}containers:\n {12}- name: report\n[\s\S]*\n {10}volumes:\n {12}- name: tmp\n {14}emptyDir: \{\}$/);
    const pod = fixOf(POD, 'on');
    assert.match(pod, /^# a Pod's spec cannot change once created.*\nspec:\n {2}containers:\n {4}- name: ["']on["']\n/);
    // The pod's emptyDir "tmp" is the other container's /tmp: not shared, a new one.
    assert.equal(tmpOf(applyFixes(check, POD).fixed, 'on').volume, 'tmp-on');
  });

  it('several containers: each its own /tmp volume under a free name; none where /tmp is already mounted; init containers\' mounts and the sidecar counted', () => {
    const found = runCheck(check, MANY);
    assert.deepEqual(found.map((f) => f.container).sort(), ['api', 'cache', 'proxy', 'worker']);
    // worker mounts "scratch" at /tmp/: only the setting, saying so.
    assert.equal(
      fixOf(MANY, 'worker'),
      `spec:
  template:
    spec:
      containers:
        - name: worker
          securityContext:
            readOnlyRootFilesystem: true   # /tmp is already mounted (volume "scratch"); mount an emptyDir at each other path it writes to`,
    );
    // The sidecar is in initContainers; tmp-api is taken by the init container's mount, tmp-cache by a volume.
    assert.match(fixOf(MANY, 'proxy'), /\n {6}initContainers:\n {8}- name: proxy\n/);
    const { before, after, fixed } = applyFixes(check, MANY);
    assert.equal(before.length, 4);
    assert.deepEqual(after, [], fixed);
    assert.deepEqual(volumeProblems(fixed), [], fixed);
    assert.deepEqual(
      ['api', 'worker', 'cache', 'proxy'].map((c) => tmpOf(fixed, c)),
      [
        { ro: true, volume: 'tmp-api-2', source: 'emptyDir' },
        { ro: true, volume: 'scratch', source: 'emptyDir' },
        { ro: true, volume: 'tmp-cache-2', source: 'emptyDir' },
        { ro: true, volume: 'tmp-proxy', source: 'emptyDir' },
      ],
    );
  });

  it('each fix alone is valid too, and a long container name gives a volume name of at most 63 characters', () => {
    const found = runCheck(check, MANY);
    assert.equal(found.length, 4);
    for (const f of found) {
      const doc = yaml.load(MANY) as Record<string, any>;
      const patch = yaml.load(f.fixYaml!) as Record<string, unknown>;
      merge(doc, patch);
      assert.deepEqual(volumeProblems(yaml.dump(doc)), [], f.fixYaml!);
    }
    const long = 'a'.repeat(40) + '-' + 'b'.repeat(22);
    const text = HAS_TMP.replace('name: web\n        image', `name: ${long}\n        image`).replace('volumes:\n', `volumes:\n      - {name: tmp-${long.slice(0, 59)}, emptyDir: {}}\n`);
    const { after, fixed } = applyFixes(check, text);
    assert.deepEqual(after, []);
    assert.deepEqual(volumeProblems(fixed), [], fixed);
    const name = tmpOf(fixed, long).volume!;
    assert.ok(name.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name), name);
    assert.notEqual(name, `tmp-${long.slice(0, 59)}`);
  });

  for (const [what, text] of [['Deployment with a volume "tmp"', HAS_TMP], ['CronJob', CRONJOB], ['Pod', POD]] as const) {
    it(`applying every finding's fix to the ${what} clears them, with valid volumes and mounts`, () => {
      const { before, after, fixed } = applyFixes(check, text);
      assert.ok(before.length > 0);
      assert.deepEqual(after.map((f) => f.message), [], fixed);
      assert.deepEqual(volumeProblems(fixed), [], fixed);
    });
  }

  it('the volume checks of these tests catch what the API server rejects (a duplicate volume, as the documentation snippet made in c44)', () => {
    const doc = yaml.load(HAS_TMP) as Record<string, any>;
    const spec = doc.spec.template.spec;
    spec.volumes.push({ name: 'tmp', emptyDir: {} });
    spec.containers[0].volumeMounts.push({ name: 'gone', mountPath: '/var/cache/nginx/' });
    assert.deepEqual(volumeProblems(yaml.dump(doc)), ['duplicate volume tmp', 'web: two mounts at /var/cache/nginx', 'web: mount gone names no volume']);
    spec.volumes = [{ name: 'tmp', configMap: { name: 'web-cache' }, emptyDir: {} }];
    spec.containers[0].volumeMounts = [{ name: 'tmp', mountPath: '/tmp' }];
    assert.deepEqual(volumeProblems(yaml.dump(doc)), ['volume tmp has 2 sources']);
  });
});
