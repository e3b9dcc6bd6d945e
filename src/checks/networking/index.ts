import type { Check } from '../types.js';
import ingressWithoutTls from './ingress-without-tls.js';
import serviceExposedExternally from './service-exposed-externally.js';
import serviceExternalIps from './service-external-ips.js';
import serviceTargetPortUnresolved from './service-target-port-unresolved.js';
import serviceSelectsNothing from './service-selects-nothing.js';
import serviceTargetPortUndeclared from './service-target-port-undeclared.js';
import serviceSelectsUnrelatedWorkloads from './service-selects-unrelated-workloads.js';
import serviceBackendsWithoutReadiness from './service-backends-without-readiness.js';
import ingressBackendMissing from './ingress-backend-missing.js';
import ingressTlsSecretMissing from './ingress-tls-secret-missing.js';
import gatewayRouteBackendMissing from './gateway-route-backend-missing.js';
import ingressClassMissing from './ingress-class-missing.js';
export const checks: Check[] = [ingressWithoutTls, serviceExposedExternally, serviceExternalIps, serviceTargetPortUnresolved];
checks.push(
  serviceSelectsNothing,
  serviceTargetPortUndeclared,
  serviceSelectsUnrelatedWorkloads,
  serviceBackendsWithoutReadiness,
  ingressBackendMissing,
  ingressTlsSecretMissing,
  gatewayRouteBackendMissing,
  ingressClassMissing,
);

// Cluster DNS for pods on the host network.
import hostNetworkClusterDns from './host-network-cluster-dns.js';
checks.push(hostNetworkClusterDns);

// NetworkPolicy checks (semantics in src/model/netpol.ts).
import netpolPodNotIsolated from './netpol-pod-not-isolated.js';
import netpolNoDefaultDeny from './netpol-no-default-deny.js';
import netpolEgressBlocksDns from './netpol-egress-blocks-dns.js';
import netpolSelectsNothing from './netpol-selects-nothing.js';
import exposedWithoutNetworkPolicy from './exposed-without-network-policy.js';
checks.push(netpolPodNotIsolated, netpolNoDefaultDeny, netpolEgressBlocksDns, netpolSelectsNothing, exposedWithoutNetworkPolicy);
