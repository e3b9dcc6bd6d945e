import type { Check } from '../types.js';
import livenessProbeMissing from './liveness-probe-missing.js';
import readinessProbeMissing from './readiness-probe-missing.js';
import livenessEqualsReadiness from './liveness-equals-readiness.js';
import probePortNotDeclared from './probe-port-not-declared.js';
import probeTimeoutNotBelowPeriod from './probe-timeout-not-below-period.js';
import livenessWithoutStartupProbe from './liveness-without-startup-probe.js';
import placeholderProbe from './placeholder-probe.js';
import probeSuccessThresholdInvalid from './probe-success-threshold-invalid.js';
import probeOnInitContainer from './probe-on-init-container.js';
import probeMultipleHandlers from './probe-multiple-handlers.js';
import livenessFailureThresholdOne from './liveness-failure-threshold-one.js';
import probeHostLoopback from './probe-host-loopback.js';
import prestopExceedsGracePeriod from './prestop-exceeds-grace-period.js';
import duplicateEnvVar from './duplicate-env-var.js';

export const checks: Check[] = [
  livenessProbeMissing,
  readinessProbeMissing,
  livenessEqualsReadiness,
  probePortNotDeclared,
  probeTimeoutNotBelowPeriod,
  livenessWithoutStartupProbe,
  placeholderProbe,
  probeSuccessThresholdInvalid,
  probeOnInitContainer,
  probeMultipleHandlers,
  livenessFailureThresholdOne,
  probeHostLoopback,
  prestopExceedsGracePeriod,
  duplicateEnvVar,
];
