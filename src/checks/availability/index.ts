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

export const checks: Check[] = [replicasBelowMinimum, recreateStrategy, rollingUpdateUnavailable, noPodAntiAffinity, noZoneSpread, pdbMissing, pdbBlocksEviction, pdbSelectsNothing, pdbOverlap];
