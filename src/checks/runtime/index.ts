/**
 * Runtime checks: what the live status of objects says is broken (a cluster, or a `kubectl get -o
 * yaml` dump with status and Events). Each carries `runtime: true` and the pillar of the checklist
 * item that would have prevented the failure; the engine runs them only on objects with a status.
 */
import type { Check } from '../types.js';
import containerOomkilled from './container-oomkilled.js';
import crashloopBackoff from './crashloop-backoff.js';
import imagePullFailure from './image-pull-failure.js';
import createContainerConfigError from './create-container-config-error.js';
import containerNotReady from './container-not-ready.js';
import frequentRestarts from './frequent-restarts.js';
import podPendingUnschedulable from './pod-pending-unschedulable.js';
import pvcPending from './pvc-pending.js';
import probeFailing from './probe-failing.js';
import serviceNoReadyEndpoints from './service-no-ready-endpoints.js';
import workloadUnavailable from './workload-unavailable.js';
import nodeNotReady from './node-not-ready.js';
import nodePressure from './node-pressure.js';

import jobFailed from './job-failed.js';
import pdbDrainBlockedNow from './pdb-drain-blocked-now.js';
import hpaNotScaling from './hpa-not-scaling.js';
export const checks: Check[] = [
  containerOomkilled,
  crashloopBackoff,
  imagePullFailure,
  createContainerConfigError,
  containerNotReady,
  frequentRestarts,
  podPendingUnschedulable,
  pvcPending,
  probeFailing,
  serviceNoReadyEndpoints,
  workloadUnavailable,
  nodeNotReady,
  nodePressure,
  jobFailed,
  pdbDrainBlockedNow,
  hpaNotScaling,
];
