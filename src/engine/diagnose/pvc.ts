// PersistentVolumeClaims: a claim that stays Pending, and the claim diagnosis.
import { sourceWhere } from '../../model/index.js';
import type { Resource } from '../../model/types.js';
import { eventsFor, formatDuration, formatTime } from '../../model/events.js';
import { pvcPending, type PvcPending } from '../../model/runtime.js';
import { get, getString, stringMap } from '../../model/util.js';
import { pvcCause } from '../../checks/runtime/pvc-pending.js';
import { type Diagnosis, DIAGNOSIS_SCHEMA_VERSION, type Evidence, type Problem } from './types.js';
import { confirmed, type Ctx, ev, nsFlag, prevention, ref, show, sortProblems, st, statusOf, unreadOf } from './common.js';
import { schedulingProblems } from './scheduling.js';

export function pvcProblem(x: Ctx, p: PvcPending): Problem | null {
  const pvc = p.pvc;
  const long = x.now !== undefined && p.since !== undefined && x.now - p.since >= 5 * 60_000;
  if (!p.classMissing && !p.noDefault && !p.lastWarning && (p.waitsForConsumer || !long)) return null;
  const classes = x.index.ofKind('StorageClass');
  const evidence: Evidence[] = [st(pvc, ['status', 'phase'], `phase Pending${p.since !== undefined ? ` since ${formatTime(p.since)}` : ''}${x.now !== undefined && p.since !== undefined ? ` (${formatDuration(x.now - p.since)})` : ''}`, x.index)];
  const asked = get(pvc.object, ['spec', 'storageClassName']);
  evidence.push(st(pvc, ['spec', 'storageClassName'], asked === undefined ? (p.noDefault ? (classes.length ? 'storageClassName unset, and no StorageClass is marked default' : 'storageClassName unset, and the cluster has no StorageClass at all') : 'storageClassName unset (the default class applies)') : `storageClassName "${asked}"`, x.index, 'spec'));
  if (classes.length) evidence.push({ source: 'input', object: null, field: null, text: `StorageClasses in the cluster: ${classes.map((c) => `${c.name}${stringMap(get(c.object, ['metadata', 'annotations']))['storageclass.kubernetes.io/is-default-class'] === 'true' ? ' (default)' : ''}`).join(', ')}` });
  const e = p.lastWarning ?? p.lastEvent;
  if (e) evidence.push(ev(e, x.index));
  const n = nsFlag(x.index, pvc);
  const isDefault = (c: Resource) => stringMap(get(c.object, ['metadata', 'annotations']))['storageclass.kubernetes.io/is-default-class'] === 'true';
  const existing = classes.find(isDefault) ?? classes[0];
  let fix: Problem['fix'];
  const classesRead = x.index.listedKinds?.has('StorageClass') === true && !unreadOf(x.opts, ['StorageClass'], null).length;
  if ((p.classMissing || (p.lastWarning && /storageclass\.storage\.k8s\.io "[^"]+" not found/.test(p.lastWarning.message))) && classes.length === 0) {
    // No class at all: naming one to use would be a guess; something must provision volumes first.
    evidence.push({ source: classesRead ? 'cluster' : 'input', object: null, field: null, text: classesRead ? 'the cluster has no StorageClass at all' : 'the input holds no StorageClass (kubectl get storageclass says whether the cluster has any)' });
    fix = {
      text: `${classesRead ? 'The cluster has no StorageClass at all' : `No StorageClass is known here${typeof asked === 'string' ? ` and "${asked}" does not exist` : ''}`}: a storage provisioner (a CSI driver for this platform) with a StorageClass is needed before any claim can be provisioned; then recreate the claim with that class (storageClassName cannot be changed on an existing claim), or create a PersistentVolume that matches the claim (static provisioning).`,
      commands: ['kubectl get storageclass', 'kubectl get csidrivers', `kubectl ${n} delete pvc ${pvc.name}   # then apply it with the new storageClassName`],
      yaml: null,
    };
  } else if (p.classMissing || (p.lastWarning && /storageclass\.storage\.k8s\.io "[^"]+" not found/.test(p.lastWarning.message))) {
    fix = {
      text: `Use a StorageClass that exists (${classesRead ? 'the cluster has' : 'the input holds'} ${classes.map((c) => `${c.name}${c === existing && isDefault(c) ? ' (default)' : ''}`).join(', ')}). storageClassName cannot be changed on an existing claim: delete and recreate it (nothing was ever provisioned for it), or create the missing class.`,
      commands: ['kubectl get storageclass', `kubectl ${n} delete pvc ${pvc.name}   # then apply it with the new storageClassName`],
      yaml: `spec:\n  storageClassName: ${existing!.name}${classes.length > 1 ? `   # or: ${classes.filter((c) => c !== existing).map((c) => c.name).join(', ')}` : ''}`,
    };
  } else if (p.noDefault && classes.length === 0) {
    fix = {
      text: 'The cluster has no StorageClass, so nothing can provision a volume: install a storage provisioner (a CSI driver) with a StorageClass marked default, or create a PersistentVolume that matches the claim (static provisioning).',
      commands: ['kubectl get storageclass', 'kubectl get pv'],
      yaml: null,
    };
  } else if (p.noDefault) {
    fix = {
      text: 'Name a StorageClass in the claim, or mark one class as the cluster default.',
      commands: [existing ? `kubectl patch storageclass ${existing.name} -p '{"metadata":{"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}}'` : 'kubectl get storageclass'],
      yaml: `spec:\n  storageClassName: ${existing?.name ?? '<an existing class>'}`,
    };
  } else {
    const prov = getString(p.classObject?.object, ['provisioner']);
    fix = {
      text: `Check the provisioner${prov ? ` ${prov}` : ''}: its controller pods and logs, its credentials and quotas in the cloud account.`,
      commands: [`kubectl ${n} describe pvc ${pvc.name}`, `kubectl get pods -A | grep -i ${prov ? prov.split('.')[0] : 'csi'}`],
      yaml: null,
    };
  }
  return {
    check: 'pvc-pending',
    severity: p.classMissing || p.noDefault || p.lastWarning ? 'error' : 'warning',
    symptom: `PersistentVolumeClaim ${pvc.name} is Pending`,
    object: ref(pvc, x.index),
    container: null,
    pods: p.users.map((u) => u.name),
    evidence,
    cause: pvcCause(p),
    fix,
    prevent: confirmed(x, pvc, [prevention('pvc-storage-class-missing', 'a claim must name a StorageClass the cluster defines')]),
    logs: null,
  };
}

export function pvcDiagnosis(x: Ctx, pvc: Resource): Diagnosis {
  const index = x.index;
  const walked = [show(ref(pvc, index))];
  const cls = get(pvc.object, ['spec', 'storageClassName']);
  const p = pvcPending(index, pvc);
  walked.push(`StorageClass: ${typeof cls === 'string' ? (cls === '' ? '"" (static binding)' : cls) : `unset (default: ${p?.storageClass ?? `none ${sourceWhere(index)}`})`}${p?.classObject ? '' : typeof cls === 'string' && cls !== '' ? ' (not in the input)' : ''}`);
  walked.push(`Events: ${eventsFor(index, pvc).length}`);
  const phase = getString(pvc.object, ['status', 'phase']);
  const problems: Problem[] = [];
  if (p) {
    const prob = pvcProblem(x, p);
    if (prob) problems.push(prob);
    else if (p.waitsForConsumer) x.notes.add('the claim waits for its first consumer (WaitForFirstConsumer): it binds when a pod using it is scheduled');
    for (const u of p.users) problems.push(...schedulingProblems(x, u));
  }
  sortProblems(problems);
  return {
    schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
    target: ref(pvc, index),
    status: statusOf(problems),
    symptom: problems[0]?.symptom ?? `claim ${phase ?? 'in unknown phase'}`,
    walked,
    problems,
    notes: [...x.notes],
  };
}
