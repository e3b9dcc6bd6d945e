import type { Check } from '../types.js';
import statefulImageWithoutPersistence from './stateful-image-without-persistence.js';
import hostPathData from './host-path-data.js';

export const checks: Check[] = [statefulImageWithoutPersistence, hostPathData];
