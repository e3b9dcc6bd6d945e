/** The registry of all checks, grouped by pillar. */
import type { Check } from './types.js';
import { checks as resources } from './resources/index.js';
import { checks as health } from './health/index.js';
import { checks as rbac } from './rbac/index.js';
import { checks as availability } from './availability/index.js';
import { checks as observability } from './observability/index.js';
import { checks as security } from './security/index.js';
import { checks as storage } from './storage/index.js';
import { checks as networking } from './networking/index.js';
import { checks as runtime } from './runtime/index.js';

export const allChecks: Check[] = [...resources, ...health, ...rbac, ...availability, ...observability, ...security, ...storage, ...networking, ...runtime];

export function findCheck(id: string): Check | undefined {
  return allChecks.find((c) => c.id === id);
}
