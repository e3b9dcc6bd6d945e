import type { Check } from '../types.js';
import replicasBelowMinimum from './replicas-below-minimum.js';
import recreateStrategy from './recreate-strategy.js';
import rollingUpdateUnavailable from './rolling-update-unavailable.js';
import noPodAntiAffinity from './no-pod-anti-affinity.js';
import noZoneSpread from './no-zone-spread.js';
import pdbMissing from './pdb-missing.js';
import pdbBlocksEviction from './pdb-blocks-eviction.js';
import pdbSelectsNothing from './pdb-selects-nothing.js';
import pdbOverlap from './pdb-overlap.js';
import hpaTargetMissing from './hpa-target-missing.js';
import hpaMinEqualsMax from './hpa-min-equals-max.js';
import hpaUtilizationWithoutRequests from './hpa-utilization-without-requests.js';
import hpaWorkloadSetsReplicas from './hpa-workload-sets-replicas.js';
import apiVersionRemoved from './api-version-removed.js';
import webhookBlocksOwnRecovery from './webhook-blocks-own-recovery.js';
import hpaVpaConflict from './hpa-vpa-conflict.js';
import pdbUnhealthyPodsBlockDrain from './pdb-unhealthy-pods-block-drain.js';
import podTemplateRejected from './pod-template-rejected.js';
import unknownField from './unknown-field.js';
import valueTypeMismatch from './value-type-mismatch.js';
import metadataRejected from './metadata-rejected.js';
import objectRejected from './object-rejected.js';
import customResourceUnserved from './custom-resource-unserved.js';
import customResourceRejected from './custom-resource-rejected.js';

export const checks: Check[] = [replicasBelowMinimum, recreateStrategy, rollingUpdateUnavailable, noPodAntiAffinity, noZoneSpread, pdbMissing, pdbBlocksEviction, pdbSelectsNothing, pdbOverlap,
  hpaTargetMissing, hpaMinEqualsMax, hpaUtilizationWithoutRequests, hpaWorkloadSetsReplicas, apiVersionRemoved, webhookBlocksOwnRecovery, hpaVpaConflict, pdbUnhealthyPodsBlockDrain, podTemplateRejected, unknownField, valueTypeMismatch, metadataRejected, objectRejected, customResourceUnserved, customResourceRejected];
