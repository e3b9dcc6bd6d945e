import type { Check } from '../types.js';
import cpuRequestMissing from './cpu-request-missing.js';
import memoryRequestMissing from './memory-request-missing.js';
import cpuLimitMissing from './cpu-limit-missing.js';
import memoryLimitMissing from './memory-limit-missing.js';
import resourceRequestAboveLimit from './resource-request-above-limit.js';
import resourceOvercommitRatio from './resource-overcommit-ratio.js';
import runtimeHeapExceedsMemoryLimit from './runtime-heap-exceeds-memory-limit.js';
import emptydirMemoryNoSizeLimit from './emptydir-memory-no-size-limit.js';
import invalidResourceQuantity from './invalid-resource-quantity.js';
import memoryQuantityTooSmall from './memory-quantity-too-small.js';
import limitrangeViolation from './limitrange-violation.js';
import quotaRequiresResources from './quota-requires-resources.js';

export const checks: Check[] = [
  cpuRequestMissing,
  memoryRequestMissing,
  cpuLimitMissing,
  memoryLimitMissing,
  resourceRequestAboveLimit,
  resourceOvercommitRatio,
  runtimeHeapExceedsMemoryLimit,
  emptydirMemoryNoSizeLimit,
  invalidResourceQuantity,
  memoryQuantityTooSmall,
  limitrangeViolation,
  quotaRequiresResources,
];
