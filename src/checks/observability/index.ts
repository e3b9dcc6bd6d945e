import type { Check } from '../types.js';
import metricsNotExposed from './metrics-not-exposed.js';
import ownershipLabelsMissing from './ownership-labels-missing.js';
import recommendedLabelsMissing from './recommended-labels-missing.js';
import metricsNotScraped from './metrics-not-scraped.js';
import monitorSelectsNothing from './monitor-selects-nothing.js';
import alertsMissing from './alerts-missing.js';

export const checks: Check[] = [metricsNotExposed, ownershipLabelsMissing, recommendedLabelsMissing, metricsNotScraped, monitorSelectsNothing, alertsMissing];
