import type { Check } from '../types.js';
import metricsNotExposed from './metrics-not-exposed.js';
import ownershipLabelsMissing from './ownership-labels-missing.js';
import recommendedLabelsMissing from './recommended-labels-missing.js';

export const checks: Check[] = [metricsNotExposed, ownershipLabelsMissing, recommendedLabelsMissing];
