/**
 * host-path-volume: each finding's own fix. A node agent (a DaemonSet) keeps its hostPath: the fix is
 * a privileged namespace, a kubeready exemption naming the object, and the narrowest path read-only
 * where it only reads; a workload that reads the node's own files (a runtime socket, /proc) is told
 * the same, or to drop the volume; any other workload gets its volume replaced by an emptyDir (YAML)
 * or a PersistentVolumeClaim; a volume no container mounts is to be deleted.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/security/host-path-volume.js';
import { allChecks } from '../../../src/checks/index.js';
import { runCheck } from '../../helpers/check-tester.js';
import { applyFixes } from '../../helpers/apply-fix.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';
import { loadText } from '../../../src/sources/resources.js';
import { parseConfig } from '../../../src/engine/config.js';
import type { Check } from '../../../src/checks/types.js';

const byId = (id: string): Check => allChecks.find((c) => c.id === id)!;

function exemptionOf(fix: string): string {
  const m = /(exemptions: \[\{.*?\}\])/.exec(fix);
  assert.ok(m, `the fix gives an exemption:\n${fix}`);
  return m[1];
}

const AGENT = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-exporter, namespace: monitoring}
spec:
  selector: {matchLabels: {app: node-exporter}}
  template:
    metadata: {labels: {app: node-exporter}}
    spec:
      containers:
      - name: exporter
        image: quay.io/prometheus/node-exporter:v1.8.2
        volumeMounts:
        - {name: root, mountPath: /host/root}
        - {name: proc, mountPath: /host/proc, readOnly: true}
        - {name: sock, mountPath: /run/containerd/containerd.sock}
      volumes:
      - name: root
        hostPath: {path: /}
      - name: proc
        hostPath: {path: /proc}
      - name: sock
        hostPath: {path: /run/containerd/containerd.sock, type: Socket}
`;

describe('host-path-volume: the fix of each finding', () => {
  it('a DaemonSet node agent keeps its hostPath: privileged namespace, an exemption naming it, the narrowest path read-only', () => {
    const found = runCheck(check, AGENT);
    assert.equal(found.length, 3);
    for (const f of found) {
      assert.equal(f.fixYaml, undefined, 'no emptyDir or PVC for a node agent');
      assert.match(f.fix!, /^DaemonSet "node-exporter" is a node agent \(one pod per node\) that works on the node through hostPath "[^"]+": an emptyDir or PersistentVolumeClaim in its place would be empty, so keep the volume; run it in a namespace that holds only node agents, labelled pod-security.kubernetes.io\/enforce: privileged, which PodSecurity admission requires for it \(kubectl label namespace monitoring pod-security.kubernetes.io\/enforce=privileged --overwrite, if "monitoring" is such a namespace; otherwise move it to one\); record the exception in .kubeready.yaml/);
      assert.equal(
        exemptionOf(f.fix!),
        'exemptions: [{checks: [host-path-volume], kinds: [DaemonSet], namespaces: [monitoring], names: [node-exporter], reason: "node agent: needs the node\'s /, /proc and /run/containerd/containerd.sock (hostPath); runs in a namespace with pod-security.kubernetes.io/enforce: privileged"}]',
      );
    }
    const [root, proc, sock] = found;
    // "/" mounted writable: the narrowest directories, read-only.
    assert.match(root.fix!, /and mount only the directories of the node it reads instead of "\/", read-only where it only reads \(readOnly: true on the volumeMount of "exporter"\)\.$/);
    // Already read-only: nothing more to say of readOnly.
    assert.match(proc.fix!, /and mount the narrowest host path it needs\.$/);
    // A socket: readOnly does not stop connect(), so it is not offered.
    assert.match(sock.fix!, /and mount the narrowest host path it needs\.$/);
  });

  it('the exemption, written in .kubeready.yaml, exempts the agent and nothing else', async () => {
    const [f] = runCheck(check, AGENT);
    const config = await parseConfig(exemptionOf(f.fix!), '.kubeready.yaml', allChecks);
    const other = AGENT.replace('name: node-exporter, namespace: monitoring', 'name: node-exporter, namespace: apps');
    const resources = loadText(`${AGENT}---\n${other}`, 'x.yaml', loadPlan([check])).resources;
    const found = audit({ resources }, { checks: [check], config }).verdicts.flatMap((v) => v.findings);
    assert.deepEqual(
      found.map((x) => `${x.object.namespace}: ${x.exempted ? 'exempted' : 'reported'}`),
      ['monitoring: exempted', 'monitoring: exempted', 'monitoring: exempted', 'apps: reported', 'apps: reported', 'apps: reported'],
    );
  });

  it('a namespace-less agent: the exemption names no namespace and the fix says to give it one; -n names it', () => {
    const text = AGENT.replace('name: node-exporter, namespace: monitoring', 'name: node-exporter');
    const [f] = runCheck(check, text);
    assert.match(f.fix!, /run it in a namespace of its own \(the manifest sets no metadata.namespace\) labelled pod-security.kubernetes.io\/enforce: privileged/);
    assert.match(exemptionOf(f.fix!), /^exemptions: \[\{checks: \[host-path-volume\], kinds: \[DaemonSet\], names: \[node-exporter\], reason/);
    const [g] = runCheck(check, text, { namespace: 'agents' });
    assert.match(exemptionOf(g.fix!), /namespaces: \[agents\]/);
    assert.match(g.fix!, /kubectl label namespace agents pod-security.kubernetes.io\/enforce=privileged --overwrite/);
  });

  const APP = `apiVersion: apps/v1
kind: Deployment
metadata: {name: cache, namespace: shop}
spec:
  selector: {matchLabels: {app: cache}}
  template:
    metadata: {labels: {app: cache}}
    spec:
      containers:
      - name: app
        image: registry.example.com/cache:1.0
        volumeMounts:
        - {name: scratch, mountPath: /cache}
        - {name: data, mountPath: /data, subPath: app}
      volumes:
      - name: scratch
        hostPath: {path: /tmp/cache, type: DirectoryOrCreate}
      - name: data
        hostPath: {path: /mnt/disks/data}
`;

  it('another workload: its own volume replaced by an emptyDir (or a PersistentVolumeClaim), by name', () => {
    const found = runCheck(check, APP);
    assert.equal(found.length, 2);
    assert.equal(
      found[0].fixYaml,
      `spec:
  template:
    spec:
      volumes:
      - name: scratch
        hostPath: null   # removed
        emptyDir: {}     # scratch space; data that must outlive the pod: a persistentVolumeClaim instead`,
    );
    assert.match(found[1].fix!, /^Replace hostPath "\/mnt\/disks\/data" of volume "data" with the pod's own storage: an emptyDir for scratch space \(as in the YAML: it lives as long as the pod\), a PersistentVolumeClaim for data that must outlive the pod/);
    assert.doesNotMatch(found[1].fix!, /exemption|privileged/);
  });

  it('applied: the findings are gone and no error of another volume check appears', () => {
    const { before, after, fixed } = applyFixes(check, APP);
    assert.equal(before.length, 2);
    assert.deepEqual(after, [], fixed);
    for (const id of ['restricted-volume-types', 'host-path-data', 'volume-source-missing']) {
      const c = byId(id);
      assert.ok(c, id);
      assert.deepEqual(runCheck(c, fixed).filter((f) => f.severity === 'error').map((f) => f.message), [], `${id} after the fix:\n${fixed}`);
    }
  });

  it('a CronJob and a bare Pod: the volume is written at their own pod spec', () => {
    const cron = `apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: report
            image: registry.example.com/report:1.0
            volumeMounts: [{name: out, mountPath: /out}]
          volumes:
          - name: out
            hostPath: {path: /var/reports}
`;
    const [f] = runCheck(check, cron);
    assert.match(f.fixYaml!, /^spec:\n {2}jobTemplate:\n {4}spec:\n {6}template:\n {8}spec:\n {10}volumes:\n {10}- name: out\n {12}hostPath: null/);
    assert.deepEqual(applyFixes(check, cron).after, []);
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: a
    image: busybox:1.36
    volumeMounts: [{name: tmp, mountPath: /tmp}]
  volumes:
  - name: tmp
    hostPath: {path: /tmp}
`;
    const [g] = runCheck(check, pod);
    assert.match(g.fixYaml!, /^# a Pod's spec cannot change once created: apply with kubectl replace --force -f FILE/);
    assert.deepEqual(applyFixes(check, pod).after, []);
  });

  it("a workload that is not a DaemonSet but reads the node's own files: no emptyDir, the node-agent path or dropping the volume", () => {
    const text = APP.replace('        - {name: data, mountPath: /data, subPath: app}', '        - {name: data, mountPath: /data, subPath: app}\n        - {name: docker, mountPath: /var/run/docker.sock}').replace(
      '      - name: data\n        hostPath: {path: /mnt/disks/data}',
      '      - name: data\n        hostPath: {path: /mnt/disks/data}\n      - name: docker\n        hostPath: {path: /var/run/docker.sock}',
    );
    const found = runCheck(check, text);
    assert.equal(found.length, 3);
    const docker = found[2];
    assert.equal(docker.fixYaml, undefined);
    assert.match(docker.fix!, /^hostPath "\/var\/run\/docker.sock" of volume "docker" is the node's own \(system files, a device or a socket\), which an emptyDir or PersistentVolumeClaim would not hold\. If the pod only needs some files from it \(certificates, configuration\), put those in a configMap, a secret or the image and delete the volume; if it must use the node's own \(a node agent, a device or driver directory\), keep it: run it in a namespace that holds only workloads that use the node, labelled pod-security.kubernetes.io\/enforce: privileged/);
    // The exemption covers the whole object: only the node's own path is its reason, and the others are to be replaced first.
    assert.match(exemptionOf(docker.fix!), /kinds: \[Deployment\], namespaces: \[shop\], names: \[cache\], reason: "needs the node's \/var\/run\/docker.sock \(hostPath\)/);
    assert.match(docker.fix!, /\(it covers every hostPath volume of the Deployment: replace "scratch" and "data" first, as its finding says\)/);
    // Devices, kernel interfaces, system directories and the GPU driver directory are the node's own too; /tmp is scratch.
    for (const [path, own] of [['/dev/log', true], ['/proc', true], ['/etc/ssl/certs', true], ['/home/kubernetes/bin/nvidia', true], ['/var/lib', true], ['/var/lib/app', false], ['/tmp', false], ['/srv/data', false]] as const) {
      const [f] = runCheck(check, APP.replace('path: /mnt/disks/data', `path: ${path}`)).filter((x) => x.message.includes('"data"'));
      assert.equal(f.fixYaml === undefined, own, `${path}: ${f.fix}`);
    }
    const dev = APP.replace('hostPath: {path: /mnt/disks/data}', 'hostPath: {path: /mnt/fuse, type: CharDevice}');
    assert.equal(runCheck(check, dev).filter((x) => x.message.includes('"data"'))[0].fixYaml, undefined);
  });

  it('a volume no container mounts: delete it (a text fix: a merge cannot delete a list item)', () => {
    const text = APP.replace('      - name: scratch\n', '      - name: unused\n        hostPath: {path: /data}\n      - name: scratch\n');
    const f = runCheck(check, text).find((x) => x.severity === 'warning')!;
    assert.equal(f.fix, 'Delete volume "unused" from spec.template.spec.volumes: no container mounts it, so the pod loses nothing, and PodSecurity baseline no longer rejects it for this volume.');
    assert.equal(f.fixYaml, undefined);
  });

  it('findings are unchanged: the same messages and severities as before the per-finding fixes', () => {
    assert.deepEqual(
      runCheck(check, AGENT).map((f) => [f.severity, f.message]),
      [
        ['error', 'volume "root": hostPath "/" mounts the node\'s filesystem into the pod, mounted by "exporter": this path alone is enough to take over the node (PSS baseline: HostPath Volumes)'],
        ['error', 'volume "proc": hostPath "/proc" mounts the node\'s filesystem into the pod, mounted by "exporter": this path alone is enough to take over the node (PSS baseline: HostPath Volumes)'],
        ['error', 'volume "sock": hostPath "/run/containerd/containerd.sock" mounts the node\'s filesystem into the pod, mounted by "exporter": this path alone is enough to take over the node (PSS baseline: HostPath Volumes)'],
      ],
    );
    assert.deepEqual(runCheck(check, AGENT.replace(/hostPath: \{path: [^}]+\}/g, 'emptyDir: {}')), []);
  });
});
