import type { Check } from '../types.js';
import ingressWithoutTls from './ingress-without-tls.js';
import serviceExposedExternally from './service-exposed-externally.js';
import serviceExternalIps from './service-external-ips.js';
import serviceTargetPortUnresolved from './service-target-port-unresolved.js';

export const checks: Check[] = [ingressWithoutTls, serviceExposedExternally, serviceExternalIps, serviceTargetPortUnresolved];
