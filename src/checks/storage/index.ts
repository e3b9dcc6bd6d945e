import type { Check } from '../types.js';
import statefulImageWithoutPersistence from './stateful-image-without-persistence.js';
import hostPathData from './host-path-data.js';
import rwoVolumeMultiReplica from './rwo-volume-multi-replica.js';
import pvcStorageClassMissing from './pvc-storage-class-missing.js';
import reclaimPolicyDeleteStateful from './reclaim-policy-delete-stateful.js';
import volumeClaimTemplateNoStorage from './volume-claim-template-no-storage.js';
import statefulsetServiceNotHeadless from './statefulset-service-not-headless.js';
import volumeSourceMissing from './volume-source-missing.js';

import volumeTypeUnsupported from './volume-type-unsupported.js';
export const checks: Check[] = [
  statefulImageWithoutPersistence,
  hostPathData,
  rwoVolumeMultiReplica,
  pvcStorageClassMissing,
  reclaimPolicyDeleteStateful,
  volumeClaimTemplateNoStorage,
  statefulsetServiceNotHeadless,
  volumeSourceMissing,
  volumeTypeUnsupported,
];
