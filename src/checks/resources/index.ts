import type { Check } from '../types.js';
import memoryLimitMissing from './memory-limit-missing.js';

export const checks: Check[] = [memoryLimitMissing];
