import { defineCheck, type FindingInput } from '../types.js';
import { getString } from '../../model/util.js';
import { replicaFloor } from './util.js';

export default defineCheck({
  id: 'recreate-strategy',
  pillar: 'availability',
  severity: 'warning',
  title: 'Deployment uses the Recreate strategy',
  whatBreaks:
    'Every rollout (a new image, a config change, even a restart annotation) terminates all pods before any new pod starts: the service is down for the whole shutdown plus startup on each deploy.',
  details: `With \`strategy.type: Recreate\` the Deployment controller scales the old ReplicaSet to zero and
waits for its pods to terminate before it creates the new ones. Running several replicas does not help:
they all go at once. \`RollingUpdate\` (the default) replaces pods a few at a time and keeps serving.

Reported for Deployments with a replica floor of 2 or more, or managed by an autoscaler (a
single-replica Deployment is reported by \`replicas-below-minimum\`).

Recreate is legitimate when two versions must never run side by side (an incompatible schema
migration, a single-writer \`ReadWriteOnce\` volume, a singleton without leader election). Exempt the
Deployment then, and plan the deploy window.`,
  fix: {
    text: 'Use the RollingUpdate strategy (the default) so pods are replaced a few at a time.',
    yaml: `spec:
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 25%`,
  },
  uses: ['HorizontalPodAutoscaler', 'ScaledObject'],
  target: 'workload',
  classes: ['service'],
  run({ workload: w, resource, index }) {
    const out: FindingInput[] = [];
    if (!w || resource.kind !== 'Deployment') return out;
    if (!resource.apiVersion.startsWith('apps/') && !resource.apiVersion.startsWith('extensions/')) return out;
    if (getString(resource.object, ['spec', 'strategy', 'type']) !== 'Recreate') return out;
    const floor = replicaFloor(w, index);
    if (!floor) return out;
    const scaled = floor.source === 'hpa' || floor.source === 'keda';
    if (!scaled && floor.value < 2) return out;
    const who = scaled ? `on an autoscaled Deployment (${floor.text})` : `with ${floor.value} replicas`;
    out.push({
      message: `strategy.type is Recreate ${who}: every rollout terminates all pods before starting new ones, so each deploy is an outage`,
      path: ['spec', 'strategy', 'type'],
    });
    return out;
  },
});
