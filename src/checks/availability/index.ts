import type { Check } from '../types.js';
import replicasBelowMinimum from './replicas-below-minimum.js';
import recreateStrategy from './recreate-strategy.js';
import rollingUpdateUnavailable from './rolling-update-unavailable.js';
import noPodAntiAffinity from './no-pod-anti-affinity.js';
import noZoneSpread from './no-zone-spread.js';

export const checks: Check[] = [replicasBelowMinimum, recreateStrategy, rollingUpdateUnavailable, noPodAntiAffinity, noZoneSpread];
