/**
 * object-rejected: what the API server's validation refuses in Services, Ingresses, NetworkPolicies,
 * autoscalers, CronJob schedules, ConfigMaps, claims, rollout strategies and disruption budgets
 * (pkg/apis/{core,networking,autoscaling,batch,apps,policy}/validation, Kubernetes v1.37), with its error
 * texts; each rule checked with `kubectl apply --dry-run=server` (test/cluster).
 */
import { DNS_LABEL_MSG, DNS_LABEL_RE, DNS_SUBDOMAIN_MSG, DNS_SUBDOMAIN_RE, dnsLabelErrors } from '../../model/dns-names.js';
import { defineCheck, type FindingInput } from '../types.js';
import type { FieldPath, Json, JsonObject, Resource } from '../../model/types.js';
import { isObject, isPlaceholder, isTemplated, meantValue, parseQuantity } from '../../model/util.js';
import { cronScheduleError } from '../../model/cron.js';
import { PATCH_FILE } from '../../model/workload.js';
import { portNameError } from '../../model/ports.js';
import { CIDR_INVALID, cidrText, readCidr, strictSubset } from '../../model/cidr.js';

export { portNameError };

const WILDCARD_MSG = "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const PORT_RANGE = 'must be between 1 and 65535, inclusive';

/** A value the check can read (a literal, not a template to be rendered). */
const lit = (v: Json | undefined): v is string | number => (typeof v === 'string' && !isTemplated(v)) || typeof v === 'number';

const validPort = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65535;
const q = (v: string | number) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

interface Rejection {
  path: FieldPath;
  /** The API server's error: "spec.ports[1].name: Required value". */
  error: string;
  /** What it means, in words. */
  what: string;
  fix: string;
}

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

/** A field that must be one of `allowed` (listed sorted, as the API server does): NotSupported. */
function enumRejection(v: Json | undefined, field: string, path: FieldPath, allowed: string[], what: string): Rejection | null {
  if (typeof v !== 'string' || v === '' || isTemplated(v) || allowed.includes(v)) return null;
  const right = meantValue(v, allowed);
  const name = field.split('.').pop()!;
  return {
    path,
    error: `${field}: Unsupported value: ${q(v)}: supported values: ${allowed.map((a) => q(a)).join(', ')}`,
    what: `${what} "${v}"`,
    fix: right ? `Write ${name}: ${right} (the value is case-sensitive).` : `Set ${name} to ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}.`,
  };
}

/** Fields that depend on a Service's type (traffic policies, node ports of load balancers): not judged in patches. */
function serviceTypeRejections(spec: JsonObject, type: string): Rejection[] {
  const out: Rejection[] = [];
  const external = type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);
  const etp = spec.externalTrafficPolicy;
  if (typeof etp === 'string' && etp !== '' && !isTemplated(etp)) {
    if (!external) {
      out.push({ path: ['spec', 'externalTrafficPolicy'], error: `spec.externalTrafficPolicy: Invalid value: ${q(etp)}: may only be set for externally-accessible services`, what: `externalTrafficPolicy on a Service of type ${type}${spec.type === undefined ? ' (the default)' : ''}, which takes no traffic from outside the cluster`, fix: 'Remove spec.externalTrafficPolicy (it is for NodePort and LoadBalancer Services), or set the type that needs it; for traffic kept on the node inside the cluster, internalTrafficPolicy: Local.' });
    } else {
      const bad = enumRejection(etp, 'spec.externalTrafficPolicy', ['spec', 'externalTrafficPolicy'], ['Cluster', 'Local'], 'externalTrafficPolicy');
      if (bad) out.push(bad);
    }
  }
  if (isSet(spec.allocateLoadBalancerNodePorts) && !(typeof spec.allocateLoadBalancerNodePorts === 'string' && isTemplated(spec.allocateLoadBalancerNodePorts)) && type !== 'LoadBalancer') {
    out.push({ path: ['spec', 'allocateLoadBalancerNodePorts'], error: "spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'", what: `allocateLoadBalancerNodePorts on a Service of type ${type}`, fix: 'Remove spec.allocateLoadBalancerNodePorts (it is for LoadBalancer Services).' });
  }
  // The API server names this field with a capital L.
  if (Array.isArray(spec.loadBalancerSourceRanges) && spec.loadBalancerSourceRanges.length > 0 && type !== 'LoadBalancer') {
    out.push({ path: ['spec', 'loadBalancerSourceRanges'], error: "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'", what: `loadBalancerSourceRanges on a Service of type ${type}${spec.type === undefined ? ' (the default)' : ''}, which has no load balancer to restrict`, fix: 'Remove spec.loadBalancerSourceRanges, or set type: LoadBalancer; to limit who reaches a Service inside the cluster, use a NetworkPolicy.' });
  }
  return out;
}

/** loadBalancerSourceRanges values (trimmed, as the API server reads them), ipFamilyPolicy and ipFamilies. */
function serviceNetworkRejections(spec: JsonObject): Rejection[] {
  const out: Rejection[] = [];
  getList(spec.loadBalancerSourceRanges).forEach((v, i) => {
    if (typeof v !== 'string' || isTemplated(v)) return;
    const value = v.trim();
    const c = readCidr(value);
    if (!c.error) return;
    const bare = c.error === CIDR_INVALID && /^[0-9.]+$|^[0-9A-Fa-f:]+$/.test(value) && !value.includes('/');
    out.push({
      path: ['spec', 'loadBalancerSourceRanges', i],
      error: `spec.LoadBalancerSourceRanges[${i}]: Invalid value: ${q(value)}: ${c.error}`,
      what: `source range "${value}" ${cidrWhat(c.error)}${bare ? ' (an address needs its prefix length)' : ''}`,
      fix: bare ? `Write ${value}/${value.includes(':') ? 128 : 32} for the one address.` : /bits set/.test(c.error) && c.net ? `Write ${cidrText(c.net)} (the network it means), or ${value.split('/')[0]}/${value.includes(':') ? 128 : 32} for the one address.` : 'Write the range as a CIDR (203.0.113.0/24).',
    });
  });
  const policy = enumRejection(spec.ipFamilyPolicy, 'spec.ipFamilyPolicy', ['spec', 'ipFamilyPolicy'], ['PreferDualStack', 'RequireDualStack', 'SingleStack'], 'ipFamilyPolicy');
  if (policy) out.push(policy);
  const seen = new Set<string>();
  getList(spec.ipFamilies).forEach((f, i) => {
    if (typeof f !== 'string' || isTemplated(f)) return;
    const bad = f === '' ? null : enumRejection(f, `spec.ipFamilies[${i}]`, ['spec', 'ipFamilies', i], ['IPv4', 'IPv6'], 'IP family');
    if (bad) out.push(bad);
    if (seen.has(f)) out.push({ path: ['spec', 'ipFamilies', i], error: `spec.ipFamilies[${i}]: Duplicate value: ${q(f)}`, what: `IP family "${f}" listed twice`, fix: 'List each family once: [IPv4], [IPv6], or both in the order of preference.' });
    seen.add(f);
  });
  if (spec.ipFamilyPolicy === 'SingleStack' && seen.has('IPv4') && seen.has('IPv6')) {
    out.push({ path: ['spec', 'ipFamilyPolicy'], error: `spec.ipFamilyPolicy: Invalid value: "SingleStack": must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified`, what: 'ipFamilyPolicy SingleStack with both IP families listed', fix: 'Set ipFamilyPolicy: PreferDualStack (or RequireDualStack), or list one family in ipFamilies.' });
  }
  return out;
}

function serviceRejections(obj: JsonObject, patch: boolean): Rejection[] {
  const out: Rejection[] = [];
  const spec = obj.spec;
  if (!isObject(spec)) return out;
  const type = typeof spec.type === 'string' ? spec.type : 'ClusterIP';
  if (isTemplated(type)) return out;
  if (!SERVICE_TYPES.includes(type)) {
    // An unknown type: the API server says so and little else.
    const bad = enumRejection(type, 'spec.type', ['spec', 'type'], SERVICE_TYPES, 'Service type');
    return bad ? [bad] : out;
  }
  for (const bad of [
    enumRejection(spec.sessionAffinity, 'spec.sessionAffinity', ['spec', 'sessionAffinity'], ['ClientIP', 'None'], 'sessionAffinity'),
    enumRejection(spec.internalTrafficPolicy, 'spec.internalTrafficPolicy', ['spec', 'internalTrafficPolicy'], ['Cluster', 'Local'], 'internalTrafficPolicy'),
  ]) if (bad) out.push(bad);
  if (type !== 'ExternalName') out.push(...serviceNetworkRejections(spec));
  // A kustomize patch (a patch file, or neither ports nor a selector) may change the type in its base.
  const fragment = spec.selector === undefined && (spec.ports === undefined || spec.ports === null);
  if (!patch && !fragment) out.push(...serviceTypeRejections(spec, type));
  if (type === 'ExternalName') {
    if (spec.externalName === undefined || spec.externalName === null || spec.externalName === '') {
      out.push({ path: ['spec', 'type'], error: 'spec.externalName: Required value', what: 'an ExternalName Service without spec.externalName', fix: 'Set spec.externalName to the DNS name the Service stands for (db.example.com).' });
    }
    return out;
  }
  const ports = spec.ports;
  if (ports === undefined || ports === null || (Array.isArray(ports) && ports.length === 0)) {
    // Neither ports nor a selector: a fragment (a kustomize patch that sets the type), not a Service.
    const fragment = spec.selector === undefined && (ports === undefined || ports === null);
    if (!fragment && spec.clusterIP !== 'None' && !(Array.isArray(spec.clusterIPs) && spec.clusterIPs[0] === 'None')) {
      out.push({ path: ['spec'], error: 'spec.ports: Required value', what: 'a Service without ports (only a headless one, clusterIP: None, may have none)', fix: 'Add the ports the Service serves (spec.ports: [{name: http, port: 80, targetPort: http}]), or make it headless with clusterIP: None.' });
    }
    return out;
  }
  if (!Array.isArray(ports)) return out;
  const several = ports.length > 1;
  const names = new Map<string, number>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    if (!isObject(p)) return;
    const at: FieldPath = ['spec', 'ports', i];
    const where = `spec.ports[${i}]`;
    const name = p.name;
    if (several && (name === undefined || name === null || name === '')) {
      out.push({ path: at, error: `${where}.name: Required value`, what: `port ${i + 1} of ${ports.length} has no name (a Service with several ports must name each one)`, fix: `Name every port of the Service (name: http, name: metrics, ...): ${where}.name.` });
    } else if (typeof name === 'string' && name !== '' && !isTemplated(name)) {
      if (!DNS_LABEL_RE.test(name) || name.length > 63) {
        out.push({ path: [...at, 'name'], error: `${where}.name: Invalid value: ${q(name)}: ${name.length > 63 ? 'must be no more than 63 characters' : DNS_LABEL_MSG}`, what: `port name "${name}" is not a lowercase RFC 1123 label`, fix: `Rename the port to lower case letters, digits and "-" (${JSON.stringify(name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'http')}), and every targetPort or Ingress that names it.` });
      }
      const first = names.get(name);
      if (first !== undefined) out.push({ path: [...at, 'name'], error: `${where}.name: Duplicate value: ${q(name)}`, what: `ports ${first} and ${i} are both named "${name}"`, fix: `Give spec.ports[${i}] a name of its own.` });
      else names.set(name, i);
    }
    const port = p.port;
    if (port === undefined || port === null || (typeof port === 'number' && !validPort(port))) {
      const shown = typeof port === 'number' ? port : 0;
      out.push({ path: port === undefined || port === null ? at : [...at, 'port'], error: `${where}.port: Invalid value: ${shown}: ${PORT_RANGE}`, what: port === undefined || port === null ? `${where} has no port` : `port ${shown} is not a port number`, fix: `Set ${where}.port to the port clients connect to, from 1 to 65535.` });
    }
    const tp = p.targetPort;
    if (typeof tp === 'string' && !isTemplated(tp) && !/^[0-9]+$/.test(tp)) {
      const err = portNameError(tp);
      if (err) out.push({ path: [...at, 'targetPort'], error: `${where}.targetPort: Invalid value: ${q(tp)}: ${err}`, what: `targetPort "${tp}"${isPlaceholder(tp) ? ' (a placeholder left to replace before applying?)' : ''} is not a port name a container can declare`, fix: `Set ${where}.targetPort to the container port's number, or to its name (at most 15 lower case letters, digits and "-", with a letter), the same as in the container's ports.` });
    } else if (typeof tp === 'number' && tp !== 0 && !validPort(tp)) {
      out.push({ path: [...at, 'targetPort'], error: `${where}.targetPort: Invalid value: ${tp}: ${PORT_RANGE}`, what: `targetPort ${tp} is not a port number`, fix: `Set ${where}.targetPort to the container's port, from 1 to 65535.` });
    } else if ((tp === undefined || tp === null || tp === 0) && typeof port === 'number' && port !== 0 && !validPort(port)) {
      // An unset targetPort defaults to the port, which is then refused a second time.
      out.push({ path: [...at, 'port'], error: `${where}.targetPort: Invalid value: ${port}: ${PORT_RANGE}`, what: `targetPort defaults to the port, ${port}, which is not a port number`, fix: `Set ${where}.port (and targetPort) to ports from 1 to 65535.` });
    }
    if (typeof p.protocol === 'string' && p.protocol !== '' && !isTemplated(p.protocol) && !PROTOCOLS.includes(p.protocol)) {
      out.push({ path: [...at, 'protocol'], error: `${where}.protocol: Unsupported value: ${q(p.protocol)}: supported values: "SCTP", "TCP", "UDP"`, what: `protocol "${p.protocol}" is not TCP, UDP or SCTP`, fix: protocolFix(`${where}.protocol`, p.protocol) });
    }
    if (typeof p.nodePort === 'number' && p.nodePort !== 0 && type === 'ClusterIP') {
      out.push({ path: [...at, 'nodePort'], error: `${where}.nodePort: Forbidden: may not be used when \`type\` is 'ClusterIP'`, what: `a nodePort on a Service of type ${spec.type === undefined ? 'ClusterIP (the default)' : 'ClusterIP'}`, fix: `Remove ${where}.nodePort, or set spec.type: NodePort (or LoadBalancer) if the port must be open on every node.` });
    }
    if (typeof port === 'number' && validPort(port)) {
      const protocol = typeof p.protocol === 'string' && !isTemplated(p.protocol) ? p.protocol : 'TCP';
      const key = `${port}/${protocol}`;
      if (keys.has(key)) {
        out.push({ path: at, error: `${where}: Duplicate value: {"Name":"","Protocol":${JSON.stringify(protocol)},"AppProtocol":null,"Port":${port},"TargetPort":0,"NodePort":0}`, what: `port ${port}/${protocol} is listed twice`, fix: `Remove ${where}, or give it a port of its own: each port and protocol once.` });
      } else keys.add(key);
    }
  });
  return out;
}

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

const getList = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : []);


function protocolFix(field: string, p: string): string {
  const up = p.toUpperCase();
  return PROTOCOLS.includes(up) ? `Write ${field} as ${up} (case-sensitive).` : `Set ${field} to TCP (HTTP, gRPC and TLS run over TCP; the application protocol goes in appProtocol), UDP or SCTP.`;
}

/** An IPv4 CIDR's address and prefix, or null when it is not one (IPv6 is not checked here). */
/** What a CIDR error means, in words. */
function cidrWhat(error: string): string {
  if (error === CIDR_INVALID) return 'is not a CIDR';
  if (/bits set/.test(error)) return 'has host bits set';
  if (/leading 0s/.test(error)) return 'has leading zeros';
  return 'is an IPv4-mapped IPv6 address';
}

function networkPolicyRejections(obj: JsonObject): Rejection[] {
  const out: Rejection[] = [];
  const spec = obj.spec;
  if (!isObject(spec)) return out;
  const types = spec.policyTypes;
  if (Array.isArray(types)) {
    types.forEach((t, i) => {
      if (typeof t === 'string' && !isTemplated(t) && t !== 'Ingress' && t !== 'Egress') {
        const canonical = ['Ingress', 'Egress'].find((x) => x.toLowerCase() === t.toLowerCase());
        out.push({ path: ['spec', 'policyTypes', i], error: `spec.policyTypes[${i}]: Unsupported value: ${q(t)}: supported values: "Ingress", "Egress"`, what: `policy type "${t}" is not Ingress or Egress`, fix: `Write spec.policyTypes[${i}] as ${canonical ?? 'Ingress or Egress'} (case-sensitive).` });
      }
    });
  }
  for (const dir of ['ingress', 'egress'] as const) {
    const rules = spec[dir];
    if (!Array.isArray(rules)) continue;
    rules.forEach((rule, i) => {
      if (!isObject(rule)) return;
      getList(rule.ports).forEach((p, j) => {
        if (!isObject(p)) return;
        const where = `spec.${dir}[${i}].ports[${j}]`;
        const at: FieldPath = ['spec', dir, i, 'ports', j];
        if (typeof p.protocol === 'string' && p.protocol !== '' && !isTemplated(p.protocol) && !PROTOCOLS.includes(p.protocol)) {
          out.push({ path: [...at, 'protocol'], error: `${where}.protocol: Unsupported value: ${q(p.protocol)}: supported values: "TCP", "UDP", "SCTP"`, what: `protocol "${p.protocol}" is not TCP, UDP or SCTP`, fix: protocolFix(`${where}.protocol`, p.protocol) });
        }
        if (typeof p.port === 'number' && !validPort(p.port)) {
          out.push({ path: [...at, 'port'], error: `${where}.port: Invalid value: ${p.port}: ${PORT_RANGE}`, what: `port ${p.port} is not a port number`, fix: `Set ${where}.port to a port from 1 to 65535 (or a named port of the pods).` });
        } else if (typeof p.port === 'string' && !isTemplated(p.port) && !/^[0-9]+$/.test(p.port) && typeof p.endPort === 'number') {
          out.push({ path: [...at, 'endPort'], error: `${where}.endPort: Invalid value: ${p.endPort}: may not be specified when \`port\` is non-numeric`, what: `an endPort with the named port "${p.port}"`, fix: `Remove ${where}.endPort, or give the range's first port as a number.` });
        }
      });
      getList(rule[dir === 'ingress' ? 'from' : 'to']).forEach((peer, j) => {
        if (!isObject(peer) || !isObject(peer.ipBlock)) return;
        const where = `spec.${dir}[${i}].${dir === 'ingress' ? 'from' : 'to'}[${j}].ipBlock`;
        const at: FieldPath = ['spec', dir, i, dir === 'ingress' ? 'from' : 'to', j, 'ipBlock'];
        const cidr = peer.ipBlock.cidr;
        if (typeof cidr !== 'string' || isTemplated(cidr) || cidr === '') return;
        const c = readCidr(cidr);
        if (c.error) {
          const v6 = cidr.includes(':');
          out.push({
            path: [...at, 'cidr'],
            error: `${where}.cidr: Invalid value: ${q(cidr)}: ${c.error}`,
            what: `cidr "${cidr}" ${cidrWhat(c.error)}`,
            fix: c.error === CIDR_INVALID
              ? /^\d{1,3}(\.\d{1,3}){3}$/.test(cidr) ? `Write one address as ${cidr}/32.` : v6 ? `Write ${where}.cidr as an IPv6 address and a prefix length from 0 to 128 (2001:db8::/64), without a zone.` : `Write ${where}.cidr as an address and a prefix length from 0 to 32 (10.0.0.0/8).`
              : /bits set/.test(c.error) && c.net ? `Write ${where}.cidr as ${cidrText(c.net)} (the network it means), or as ${cidr.split('/')[0]}/${v6 ? 128 : 32} for the one address.`
              : /leading 0s/.test(c.error) ? `Write ${where}.cidr without leading zeros${c.net ? ` (${cidrText(c.net)})` : ''}.`
              : `Write ${where}.cidr as the IPv4 block it means (IPv4 peers are written as IPv4).`,
          });
        }
        // Go's sloppy parser still reads a value with host bits or leading zeros: its excepts are judged against it.
        const outer = c.net;
        getList(peer.ipBlock.except).forEach((e, k) => {
          if (typeof e !== 'string' || isTemplated(e)) return;
          const x = readCidr(e);
          const ewhere = `${where}.except[${k}]`;
          if (x.error) {
            out.push({ path: [...at, 'except', k], error: `${ewhere}: Invalid value: ${q(e)}: ${x.error}`, what: `except "${e}" ${cidrWhat(x.error)}`, fix: /bits set/.test(x.error) && x.net ? `Write ${ewhere} as ${cidrText(x.net)}.` : `Write ${ewhere} as a network inside the cidr (10.1.0.0/16 inside 10.0.0.0/8).` });
          }
          if (!outer || !x.net) return;
          if (!strictSubset(x.net, outer)) out.push({ path: [...at, 'except', k], error: `${ewhere}: Invalid value: ${q(e)}: must be a strict subset of \`cidr\``, what: `except "${e}" is not inside cidr "${cidr}"`, fix: `Remove ${ewhere} (it excludes nothing the cidr allows), or widen the cidr.` });
        });
      });
    });
  }
  return out;
}

function ingressRejections(obj: JsonObject): Rejection[] {
  const out: Rejection[] = [];
  const spec = obj.spec;
  if (!isObject(spec)) return out;
  const backend = (b: Json | undefined, at: FieldPath, where: string) => {
    if (!isObject(b)) return;
    const svc = b.service;
    if (!isObject(svc) && !isObject(b.resource)) {
      out.push({ path: at, error: `${where}: Invalid value: "": resource or service backend is required`, what: 'a backend with neither a service nor a resource', fix: `Name the Service and port the path goes to: ${where}: {service: {name: web, port: {number: 80}}}.` });
      return;
    }
    if (!isObject(svc)) return;
    const port = svc.port;
    const hasName = isObject(port) && port.name !== undefined && port.name !== null && port.name !== '';
    const hasNumber = isObject(port) && port.number !== undefined && port.number !== null && port.number !== 0;
    if (!hasName && !hasNumber) out.push({ path: [...at, 'service'], error: `${where}: Required value: port name or number is required`, what: 'a service backend without a port', fix: `Add the Service's port: ${where}.service.port: {number: 80} (or {name: http}).` });
    else if (hasName && hasNumber) out.push({ path: [...at, 'service', 'port'], error: `${where}: Invalid value: "": cannot set both port name & port number`, what: 'a service backend port with both a name and a number', fix: `Keep one of ${where}.service.port.name and .number.` });
  };
  backend(spec.defaultBackend, ['spec', 'defaultBackend'], 'spec.defaultBackend');
  const rules = spec.rules;
  if (!Array.isArray(rules)) return out;
  rules.forEach((r, i) => {
    if (!isObject(r)) return;
    const where = `spec.rules[${i}]`;
    const host = r.host;
    if (typeof host === 'string' && host !== '' && !isTemplated(host)) {
      const ip = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || (host.includes(':') && /^[0-9a-fA-F:.]+$/.test(host));
      if (ip || /^[0-9.]+$/.test(host)) {
        if (ip) out.push({ path: ['spec', 'rules', i, 'host'], error: `${where}.host: Invalid value: ${q(host)}: must be a DNS name, not an IP address${DNS_SUBDOMAIN_RE.test(host) ? '' : `; ${where}.host: Invalid value: ${q(host)}: ${DNS_SUBDOMAIN_MSG}`}`, what: `host "${host}" is an IP address`, fix: `Remove ${where}.host to match every host (the IP address reaches the controller anyway), or use a DNS name.` });
      } else if (host.startsWith('*.') ? !DNS_SUBDOMAIN_RE.test(host.slice(2)) : host.includes('*')) {
        out.push({ path: ['spec', 'rules', i, 'host'], error: `${where}.host: Invalid value: ${q(host)}: ${WILDCARD_MSG}`, what: `host "${host}" has a wildcard elsewhere than a leading "*."`, fix: `A wildcard covers exactly one leading label: "*.example.com"; list the other hosts as rules of their own.` });
      } else if (!host.startsWith('*.') && (!DNS_SUBDOMAIN_RE.test(host) || host.length > 253)) {
        const placeholder = isPlaceholder(host);
        out.push({
          path: ['spec', 'rules', i, 'host'],
          error: `${where}.host: Invalid value: ${q(host)}: ${host.length > 253 ? 'must be no more than 253 characters' : DNS_SUBDOMAIN_MSG}`,
          what: `host "${host}"${placeholder ? ' (a placeholder left to replace before applying?)' : ''} is not a lowercase DNS name`,
          fix: placeholder
            ? `Replace the placeholder in ${where}.host with the host name the Ingress serves (or have a tool do it: a Helm value, kustomize replacements, envsubst).`
            : DNS_SUBDOMAIN_RE.test(host.toLowerCase())
            ? `Write ${where}.host in lower case (${JSON.stringify(host.toLowerCase())}): DNS names are matched case-insensitively anyway.`
            : `Write ${where}.host as a DNS name: lower case letters, digits, "-" and ".".`,
        });
      }
    }
    const http = r.http;
    if (!isObject(http)) return;
    const paths = http.paths;
    if (paths === undefined || paths === null || (Array.isArray(paths) && paths.length === 0)) {
      out.push({ path: ['spec', 'rules', i, 'http'], error: `${where}.http.paths: Required value`, what: 'an http rule without paths', fix: `Add a path (paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]) or remove ${where}.http.` });
      return;
    }
    if (!Array.isArray(paths)) return;
    paths.forEach((p, j) => {
      if (!isObject(p)) return;
      const at: FieldPath = ['spec', 'rules', i, 'http', 'paths', j];
      const pw = `${where}.http.paths[${j}]`;
      const pt = p.pathType;
      if (pt === undefined || pt === null || pt === '') {
        out.push({ path: at, error: `${pw}.pathType: Required value: pathType must be specified`, what: 'a path without pathType (networking.k8s.io/v1 requires one; v1beta1 defaulted it)', fix: `Add ${pw}.pathType: Prefix (everything under the path) or Exact (only the path itself); ImplementationSpecific leaves the matching to the controller.` });
      } else if (typeof pt === 'string' && !isTemplated(pt) && !['Exact', 'Prefix', 'ImplementationSpecific'].includes(pt)) {
        out.push({ path: [...at, 'pathType'], error: `${pw}.pathType: Unsupported value: ${q(pt)}: supported values: "Exact", "ImplementationSpecific", "Prefix"`, what: `pathType "${pt}" is not one of Exact, Prefix, ImplementationSpecific`, fix: `Write ${pw}.pathType as ${['Exact', 'Prefix', 'ImplementationSpecific'].find((x) => x.toLowerCase() === pt.toLowerCase()) ?? 'Prefix'} (the values are case-sensitive).` });
      }
      const path = p.path;
      if (typeof path === 'string' && path !== '' && !isTemplated(path) && !path.startsWith('/')) {
        out.push({ path: [...at, 'path'], error: `${pw}.path: Invalid value: ${q(path)}: must be an absolute path`, what: `path "${path}" does not start with "/"`, fix: `Write ${pw}.path as "/${path}".` });
      }
      backend(p.backend, [...at, 'backend'], `${pw}.backend`);
    });
  });
  return out;
}

function hpaRejections(obj: JsonObject): Rejection[] {
  const out: Rejection[] = [];
  const spec = obj.spec;
  if (!isObject(spec)) return out;
  const max = spec.maxReplicas;
  const min = spec.minReplicas;
  if (max !== undefined && max !== null && !lit(max)) return out;
  if (min !== undefined && min !== null && !lit(min)) return out;
  const minN = typeof min === 'number' ? min : 1;
  if (max === undefined || max === null) {
    out.push({ path: ['spec'], error: `spec.maxReplicas: Invalid value: 0: must be greater than or equal to \`minReplicas\`; spec.maxReplicas: Required value`, what: 'no maxReplicas (it has no default)', fix: 'Set spec.maxReplicas: the most pods a traffic spike may start (what you are ready to pay for).' });
    return out;
  }
  if (typeof max === 'number' && typeof minN === 'number' && max < minN) {
    out.push({ path: ['spec', 'maxReplicas'], error: `spec.maxReplicas: Invalid value: ${max}: must be greater than or equal to \`minReplicas\``, what: `maxReplicas ${max} is below minReplicas ${minN}`, fix: `Set spec.maxReplicas to ${minN} or more, or lower spec.minReplicas.` });
  }
  // ValidateCrossVersionObjectReference: kind and name, each a path segment (no "/" or "%", not "." or "..").
  const ref = spec.scaleTargetRef;
  if (isObject(ref)) {
    for (const f of ['kind', 'name'] as const) {
      const v = ref[f];
      if (v === undefined || v === null || v === '') {
        out.push({ path: isSet(v) ? ['spec', 'scaleTargetRef', f] : ['spec', 'scaleTargetRef'], error: `spec.scaleTargetRef.${f}: Required value`, what: `scaleTargetRef without a ${f}`, fix: f === 'kind' ? 'Set scaleTargetRef.kind to the kind of the workload to scale (Deployment, StatefulSet, ...).' : 'Set scaleTargetRef.name to the name of the workload to scale.' });
      } else if (typeof v === 'string' && !isTemplated(v)) {
        const msgs = v === '.' || v === '..' ? [`may not be '${v}'`] : ['/', '%'].filter((c) => v.includes(c)).map((c) => `may not contain '${c}'`);
        if (msgs.length) out.push({ path: ['spec', 'scaleTargetRef', f], error: msgs.map((m) => `spec.scaleTargetRef.${f}: Invalid value: ${q(v)}: ${m}`).join('; '), what: `scaleTargetRef.${f} "${v}" cannot name an object`, fix: f === 'kind' ? 'Write scaleTargetRef.kind as the kind alone (Deployment) and its group in apiVersion (apps/v1).' : 'Write scaleTargetRef.name as the workload\'s name alone (the namespace is the HPA\'s own).' });
      }
    }
  }
  return out;
}

const METRIC_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
/** The field each metric type reads its source from. */
const METRIC_SOURCE: Record<string, string> = { Object: 'object', Pods: 'pods', Resource: 'resource', External: 'external', ContainerResource: 'containerResource' };
const SOURCE_ORDER = ['object', 'external', 'pods', 'resource', 'containerResource'];
const TARGET_TYPES = ['Utilization', 'Value', 'AverageValue'];

/** A set field (null and absent read as unset, as Go's pointers do). */
const has = (o: JsonObject, k: string) => o[k] !== undefined && o[k] !== null;

/**
 * What validateMetricSpec and validateBehavior (pkg/apis/autoscaling/validation) refuse in an
 * autoscaling/v2 spec, and the one metric an autoscaling/v1 spec converts to: its
 * targetCPUUtilizationPercentage, reported at the v2 path the API server names.
 */
function hpaMetricRejections(obj: JsonObject, v1: boolean): Rejection[] {
  const out: Rejection[] = [];
  const spec = obj.spec;
  if (!isObject(spec)) return out;
  if (v1) {
    const t = spec.targetCPUUtilizationPercentage;
    if (typeof t === 'number' && Number.isInteger(t) && t < 1) {
      out.push({ path: ['spec', 'targetCPUUtilizationPercentage'], error: `spec.metrics[0].resource.target.averageUtilization: Invalid value: ${t}: must be greater than 0`, what: `targetCPUUtilizationPercentage ${t} is not a target (the API server names it as the v2 metric it becomes)`, fix: 'Set targetCPUUtilizationPercentage to the average CPU use, in percent of the request, to scale at (70, say).' });
    }
    return out;
  }
  const metrics = spec.metrics;
  if (Array.isArray(metrics)) metrics.forEach((m, i) => {
    if (isObject(m)) out.push(...metricRejections(m, `spec.metrics[${i}]`, ['spec', 'metrics', i]));
  });
  const behavior = spec.behavior;
  if (isObject(behavior)) {
    for (const dir of ['scaleUp', 'scaleDown'] as const) {
      const rules = behavior[dir];
      if (isObject(rules)) out.push(...scalingRulesRejections(rules, `spec.behavior.${dir}`, ['spec', 'behavior', dir], dir));
    }
  }
  return out;
}

function metricRejections(m: JsonObject, at: string, path: FieldPath): Rejection[] {
  const out: Rejection[] = [];
  const type = m.type;
  if (typeof type === 'string' && isTemplated(type)) return out;
  const present = SOURCE_ORDER.filter((k) => has(m, k));
  if (!has(m, 'type') || type === '') {
    const sourceHint = present.length === 1 ? ` (it has a ${present[0]} source: type ${Object.keys(METRIC_SOURCE).find((t) => METRIC_SOURCE[t] === present[0])})` : '';
    out.push({ path: has(m, 'type') ? [...path, 'type'] : path, error: `${at}.type: Required value: must specify a metric source type; ${at}.type: Unsupported value: "": supported values: ${METRIC_TYPES.map((t) => q(t)).join(', ')}`, what: `metric ${path[path.length - 1]} has no type`, fix: `Set the metric's type to the kind of source it reads${sourceHint}.` });
  } else if (typeof type === 'string' && !METRIC_TYPES.includes(type)) {
    const r = enumRejection(type, `${at}.type`, [...path, 'type'], METRIC_TYPES, 'a metric type');
    if (r) out.push(r);
  }
  const expected = typeof type === 'string' ? METRIC_SOURCE[type] : undefined;
  if (expected && !has(m, expected)) {
    out.push({ path: [...path, 'type'], error: `${at}.${expected}: Required value: must populate information for the given metric source`, what: `a ${type} metric without its ${expected} source${present.length ? ` (it has ${present.join(', ')})` : ''}`, fix: `Put the metric's settings under ${expected}: (a ${type} metric reads only that field), or set type to the source it has.` });
  }
  // Only the first source present is validated (validateMetricSpec), the others are Forbidden.
  if (present.length > 1) {
    for (const k of present) {
      if (k === expected) continue;
      out.push({ path: [...path, k], error: `${at}.${k}: Forbidden: must populate the given metric source only`, what: `a ${String(type)} metric also has a ${k} source`, fix: `Move ${k} into a metric of its own (type ${Object.keys(METRIC_SOURCE).find((t) => METRIC_SOURCE[t] === k)}), one source per metric.` });
    }
  }
  const first = present[0];
  if (first === undefined) return out;
  const src = m[first];
  if (!isObject(src)) return out;
  const sat = `${at}.${first}`;
  const spath: FieldPath = [...path, first];
  if (first === 'object' || first === 'external' || first === 'pods') {
    const metric = src.metric;
    if (isObject(metric) && (!has(metric, 'name') || metric.name === '')) {
      out.push({ path: [...spath, 'metric'], error: `${sat}.metric.name: Required value: must specify a metric name`, what: `a ${first} metric without a metric name`, fix: 'Set metric.name to the name of the metric the metrics adapter serves.' });
    }
  }
  if (first === 'resource' || first === 'containerResource') {
    if (!has(src, 'name') || src.name === '') out.push({ path: has(src, 'name') ? [...spath, 'name'] : spath, error: `${sat}.name: Required value: must specify a resource name`, what: `a ${first} metric without a resource name`, fix: 'Set name: cpu or name: memory.' });
  }
  if (first === 'containerResource') {
    const c = src.container;
    if (!has(src, 'container') || c === '') out.push({ path: has(src, 'container') ? [...spath, 'container'] : spath, error: `${sat}.container: Required value: must specify a container`, what: 'a containerResource metric without a container', fix: 'Set container to the name of the container whose usage counts.' });
    else if (typeof c === 'string' && !isTemplated(c) && !DNS_LABEL_RE.test(c)) {
      out.push({ path: [...spath, 'container'], error: dnsLabelErrors(c).map((e) => `${sat}.container: Invalid value: ${q(c)}: ${e}`).join('; '), what: `container "${c}" cannot be a container's name`, fix: 'Write the container name as it is in the pod template (lowercase letters, digits and -).' });
    }
  }
  // No target at all: Go's zero MetricTarget, refused for its missing type and numbers.
  if (has(src, 'target') && !isObject(src.target)) return out;
  const target: JsonObject = isObject(src.target) ? src.target : {};
  const tat = `${sat}.target`;
  const tpath: FieldPath = isObject(src.target) ? [...spath, 'target'] : spath;
  const tt = target.type;
  if (!(typeof tt === 'string' && isTemplated(tt))) {
    if (!has(target, 'type') || tt === '') {
      out.push({ path: has(target, 'type') ? [...tpath, 'type'] : tpath, error: `${tat}.type: Required value: must specify a metric target type; ${tat}.type: Invalid value: "": must be either Utilization, Value, or AverageValue`, what: 'a metric target without a type', fix: 'Set target.type: Utilization (with averageUtilization), AverageValue (with averageValue) or Value (with value).' });
    } else if (typeof tt === 'string' && !TARGET_TYPES.includes(tt)) {
      const right = meantValue(tt, TARGET_TYPES);
      out.push({ path: [...tpath, 'type'], error: `${tat}.type: Invalid value: ${q(tt)}: must be either Utilization, Value, or AverageValue`, what: `metric target type "${tt}"`, fix: right ? `Write type: ${right} (the value is case-sensitive).` : 'Set target.type to Utilization, Value or AverageValue.' });
    }
  }
  for (const k of ['value', 'averageValue'] as const) {
    const v = target[k];
    const n = typeof v === 'string' && isTemplated(v) ? undefined : parseQuantity(v);
    if (n !== undefined && !(n > 0)) {
      out.push({ path: [...tpath, k], error: `${tat}.${k}: Invalid value: ${q(typeof v === 'number' ? String(v) : (v as string))}: must be positive`, what: `target ${k} ${String(v)} is not above 0`, fix: `Set target.${k} to the level to scale at (above 0).` });
    }
  }
  const u = target.averageUtilization;
  if (typeof u === 'number' && Number.isInteger(u) && u < 1) {
    out.push({ path: [...tpath, 'averageUtilization'], error: `${tat}.averageUtilization: Invalid value: ${u}: must be greater than 0`, what: `target averageUtilization ${u} is not above 0`, fix: 'Set averageUtilization to the average use, in percent of the request, to scale at (70, say).' });
  }
  const hv = has(target, 'value');
  const ha = has(target, 'averageValue');
  const hu = has(target, 'averageUtilization');
  if (first === 'resource' || first === 'containerResource') {
    if (!hu && !ha) out.push({ path: tpath, error: `${tat}.averageUtilization: Required value: must set either a target raw value or a target utilization`, what: `a ${first} metric target without averageUtilization or averageValue${hv ? ' (value is not read for resource metrics)' : ''}`, fix: 'Set target.averageUtilization (percent of the request, with type: Utilization) or target.averageValue (with type: AverageValue).' });
    if (hu && ha) out.push({ path: [...tpath, 'averageValue'], error: `${tat}.averageValue: Forbidden: may not set both a target raw value and a target utilization`, what: `a ${first} metric target with both averageUtilization and averageValue`, fix: 'Keep one: averageUtilization with type: Utilization, or averageValue with type: AverageValue.' });
  } else if (first === 'pods') {
    if (!ha) out.push({ path: tpath, error: `${tat}.averageValue: Required value: must specify a positive target averageValue`, what: `a Pods metric target without averageValue${hv ? ' (value is not read for Pods metrics)' : ''}`, fix: 'Set target.type: AverageValue and target.averageValue: the per-pod level to scale at.' });
  } else if (first === 'object') {
    if (!hv && !ha) out.push({ path: tpath, error: `${tat}.averageValue: Required value: must set either a target value or averageValue`, what: 'an Object metric target without value or averageValue', fix: 'Set target.value (type: Value) or target.averageValue (type: AverageValue).' });
  } else if (first === 'external') {
    if (!hv && !ha) out.push({ path: tpath, error: `${tat}.averageValue: Required value: must set either a target value for metric or a per-pod target`, what: 'an External metric target without value or averageValue', fix: 'Set target.value (type: Value) or target.averageValue (type: AverageValue, per pod).' });
    if (hv && ha) out.push({ path: [...tpath, 'value'], error: `${tat}.value: Forbidden: may not set both a target value for metric and a per-pod target`, what: 'an External metric target with both value and averageValue', fix: 'Keep one: value (type: Value) or averageValue (type: AverageValue).' });
  }
  return out;
}

function scalingRulesRejections(rules: JsonObject, at: string, path: FieldPath, dir: string): Rejection[] {
  const out: Rejection[] = [];
  const w = rules.stabilizationWindowSeconds;
  if (typeof w === 'number' && Number.isInteger(w)) {
    if (w < 0) out.push({ path: [...path, 'stabilizationWindowSeconds'], error: `${at}.stabilizationWindowSeconds: Invalid value: ${w}: must be greater than or equal to zero`, what: `${dir} stabilizationWindowSeconds is negative (${w})`, fix: 'Set stabilizationWindowSeconds from 0 to 3600.' });
    else if (w > 3600) out.push({ path: [...path, 'stabilizationWindowSeconds'], error: `${at}.stabilizationWindowSeconds: Invalid value: ${w}: must be less than or equal to 3600`, what: `${dir} stabilizationWindowSeconds ${w} is above an hour`, fix: 'Set stabilizationWindowSeconds to 3600 or less.' });
  }
  const sel = enumRejection(rules.selectPolicy, `${at}.selectPolicy`, [...path, 'selectPolicy'], ['Disabled', 'Max', 'Min'], `${dir} selectPolicy`);
  if (sel) out.push(sel);
  const policies = rules.policies;
  // Unset, the API server fills in the default policies; an empty list is kept and refused.
  if (Array.isArray(policies) && policies.length === 0) {
    out.push({ path: [...path, 'policies'], error: `${at}.policies: Required value: must specify at least one Policy`, what: `${dir} has an empty policies list`, fix: `Give ${dir} at least one policy ({type: Percent, value: 100, periodSeconds: 15}), or leave policies out for the defaults (selectPolicy: Disabled turns ${dir} off).` });
  }
  if (Array.isArray(policies)) policies.forEach((p, i) => {
    if (!isObject(p)) return;
    const pat = `${at}.policies[${i}]`;
    const ppath: FieldPath = [...path, 'policies', i];
    if (!(typeof p.type === 'string' && isTemplated(p.type))) {
      if (!has(p, 'type') || p.type === '') out.push({ path: ppath, error: `${pat}.type: Unsupported value: "": supported values: "Percent", "Pods"`, what: `a ${dir} policy without a type`, fix: 'Set the policy type: Percent or Pods.' });
      else {
        const r = enumRejection(p.type, `${pat}.type`, [...ppath, 'type'], ['Percent', 'Pods'], `${dir} policy type`);
        if (r) out.push(r);
      }
    }
    const v = p.value;
    if (!has(p, 'value') || (typeof v === 'number' && Number.isInteger(v) && v <= 0)) {
      out.push({ path: has(p, 'value') ? [...ppath, 'value'] : ppath, error: `${pat}.value: Invalid value: ${typeof v === 'number' ? v : 0}: must be greater than zero`, what: `a ${dir} policy with ${has(p, 'value') ? `value ${v}` : 'no value'}`, fix: 'Set the policy value: how many pods (Pods) or what percent of the current pods (Percent) may change per period.' });
    }
    const s = p.periodSeconds;
    if (!has(p, 'periodSeconds') || (typeof s === 'number' && Number.isInteger(s) && s <= 0)) {
      out.push({ path: has(p, 'periodSeconds') ? [...ppath, 'periodSeconds'] : ppath, error: `${pat}.periodSeconds: Invalid value: ${typeof s === 'number' ? s : 0}: must be greater than zero`, what: `a ${dir} policy with ${has(p, 'periodSeconds') ? `periodSeconds ${s}` : 'no periodSeconds'}`, fix: 'Set periodSeconds: the window the policy value applies to (1 to 1800 seconds).' });
    } else if (typeof s === 'number' && Number.isInteger(s) && s > 1800) {
      out.push({ path: [...ppath, 'periodSeconds'], error: `${pat}.periodSeconds: Invalid value: ${s}: must be less than or equal to 1800`, what: `a ${dir} policy with periodSeconds ${s}, above 30 minutes`, fix: 'Set periodSeconds to 1800 or less.' });
    }
  });
  return out;
}

const CONFIG_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

/** IsConfigMapKey's complaints about a ConfigMap key. */
function configKeyErrors(k: string): string[] {
  const out: string[] = [];
  if (k.length > 253) out.push('must be no more than 253 characters');
  if (!/^[-._a-zA-Z0-9]+$/.test(k)) out.push(CONFIG_KEY_MSG);
  if (k === '.') out.push("must not be '.'");
  else if (k === '..') out.push("must not be '..'");
  else if (k.startsWith('..')) out.push("must not start with '..'");
  return out;
}

function configMapRejections(obj: JsonObject): Rejection[] {
  const out: Rejection[] = [];
  const data = isObject(obj.data) ? obj.data : {};
  const binary = isObject(obj.binaryData) ? obj.binaryData : {};
  for (const [field, map] of [['data', data], ['binaryData', binary]] as const) {
    for (const k of Object.keys(map)) {
      if (isTemplated(k)) continue;
      const errs = configKeyErrors(k);
      if (errs.length) {
        const better = k.replace(/[^-._a-zA-Z0-9]+/g, '_').replace(/^\.\.+/, '');
        out.push({
          path: [field, k],
          error: errs.map((e) => `${field}[${k}]: Invalid value: ${q(k)}: ${e}`).join('; '),
          what: `key "${k}" is not a valid ConfigMap key (letters, digits, "-", "_" and ".")`,
          fix: `Rename the key${better && better !== k ? ` (to "${better}")` : ''}; to mount it under a path with "/", keep a plain key and map it with the volume's items: [{key: ${JSON.stringify(better || 'app.yaml')}, path: ${JSON.stringify(k)}}].`,
        });
      }
      if (field === 'data' && Object.hasOwn(binary, k)) {
        out.push({ path: ['data', k], error: `data[${k}]: Invalid value: ${q(k)}: duplicate of key present in binaryData`, what: `key "${k}" is in both data and binaryData`, fix: `Keep the key in one of data and binaryData.` });
      }
    }
  }
  return out;
}

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

/** Access modes and volume mode of a claim or a volume (the API server names the list, not the item). */
function volumeModeRejections(spec: JsonObject): Rejection[] {
  const out: Rejection[] = [];
  getList(spec.accessModes).forEach((m, i) => {
    const bad = enumRejection(m, 'spec.accessModes', ['spec', 'accessModes', i], ACCESS_MODES, 'access mode');
    if (bad) out.push(bad);
  });
  const vm = enumRejection(spec.volumeMode, 'spec.volumeMode', ['spec', 'volumeMode'], ['Block', 'Filesystem'], 'volumeMode');
  if (vm) out.push(vm);
  return out;
}

function pvRejections(obj: JsonObject): Rejection[] {
  const spec = obj.spec;
  if (!isObject(spec)) return [];
  const out = volumeModeRejections(spec);
  const rp = enumRejection(spec.persistentVolumeReclaimPolicy, 'spec.persistentVolumeReclaimPolicy', ['spec', 'persistentVolumeReclaimPolicy'], ['Delete', 'Recycle', 'Retain'], 'persistentVolumeReclaimPolicy');
  if (rp) out.push(rp);
  return out;
}

function storageClassRejections(obj: JsonObject): Rejection[] {
  const out: Rejection[] = [];
  for (const bad of [
    enumRejection(obj.reclaimPolicy, 'reclaimPolicy', ['reclaimPolicy'], ['Delete', 'Retain'], 'reclaimPolicy'),
    enumRejection(obj.volumeBindingMode, 'volumeBindingMode', ['volumeBindingMode'], ['Immediate', 'WaitForFirstConsumer'], 'volumeBindingMode'),
  ]) if (bad) out.push(bad);
  return out;
}

function pvcRejections(obj: JsonObject, patch: boolean): Rejection[] {
  const spec = obj.spec;
  if (!isObject(spec)) return [];
  const out = volumeModeRejections(spec);
  if (patch) return out;
  const modes = spec.accessModes;
  if (modes === undefined || modes === null || (Array.isArray(modes) && modes.length === 0)) {
    out.push({ path: ['spec'], error: 'spec.accessModes: Required value: at least 1 access mode is required', what: 'no accessModes', fix: 'Set spec.accessModes: [ReadWriteOnce] (one node mounts it), or ReadWriteMany if the StorageClass supports it and several nodes must.' });
  }
  const storage = isObject(spec.resources) && isObject(spec.resources.requests) ? spec.resources.requests.storage : undefined;
  if (storage === undefined || storage === null) {
    out.push({ path: isObject(spec.resources) ? ['spec', 'resources'] : ['spec'], error: 'spec.resources[storage]: Required value', what: 'no storage request (the size of the volume)', fix: 'Set spec.resources.requests.storage to the size the volume needs (storage: 10Gi).' });
  }
  return out;
}

const PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";
const isSet = (v: Json | undefined): v is Json => v !== undefined && v !== null;

/** A number or percentage field (IntOrString) as the API server reads it: the percentage, when it is one. */
function percentOf(v: Json): number | null {
  return typeof v === 'string' && /^[0-9]+%$/.test(v) ? Number(v.slice(0, -1)) : null;
}

/** getIntOrPercentValue: a percentage's number, an integer, else 0 (a string that is neither counts as 0). */
function amountOf(v: Json | undefined): number {
  if (!isSet(v)) return 0;
  const p = percentOf(v);
  if (p !== null) return p;
  if (typeof v === 'number') return v;
  return typeof v === 'string' && /^[-+]?[0-9]+$/.test(v) ? Number(v) : 0;
}

/** ValidatePositiveIntOrPercent and IsNotMoreThan100Percent, for `field` (the API path) at `path`. */
function intOrPercentRejections(v: Json | undefined, field: string, path: FieldPath, what: string, hundred: boolean): Rejection[] {
  if (!isSet(v) || (typeof v === 'string' && isTemplated(v))) return [];
  if (typeof v === 'string' && percentOf(v) === null) {
    return [{ path, error: `${field}: Invalid value: ${q(v)}: ${PERCENT_MSG}`, what: `${what} "${v}" is neither a number nor a percentage`, fix: `Write ${field.split('.').pop()} as a whole number (1) or a percentage with "%" (25%).` }];
  }
  if (typeof v === 'number' && Number.isInteger(v) && v < 0) {
    return [{ path, error: `${field}: Invalid value: ${v}: must be greater than or equal to 0`, what: `${what} is negative (${v})`, fix: `Set ${field.split('.').pop()} to 0 or more.` }];
  }
  const p = typeof v === 'string' ? percentOf(v) : null;
  if (hundred && p !== null && p > 100) {
    return [{ path, error: `${field}: Invalid value: ${q(v as string)}: must not be greater than 100%`, what: `${what} is ${v}`, fix: `Set ${field.split('.').pop()} to 100% or less.` }];
  }
  return [];
}

function deploymentRejections(obj: JsonObject): Rejection[] {
  const spec = obj.spec;
  if (!isObject(spec) || !isObject(spec.strategy)) return [];
  const st = spec.strategy;
  if (st.type === 'Recreate' && st.rollingUpdate !== undefined && st.rollingUpdate !== null) {
    return [{ path: ['spec', 'strategy', 'rollingUpdate'], error: "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'", what: 'a Recreate strategy with rollingUpdate settings', fix: 'Remove spec.strategy.rollingUpdate (Recreate stops every pod before it starts new ones), or set type: RollingUpdate to use it.' }];
  }
  if (isSet(st.type) && st.type !== 'RollingUpdate' && st.type !== 'Recreate') {
    if (typeof st.type !== 'string' || isTemplated(st.type) || st.type === '') return [];
    if (isSet(st.rollingUpdate)) return [];
    const right = meantValue(st.type as string, ['RollingUpdate', 'Recreate']);
    return [{ path: ['spec', 'strategy', 'type'], error: `spec.strategy: Unsupported value: {"Type":${q(st.type)},"RollingUpdate":null}: supported values: "Recreate", "RollingUpdate"`, what: `strategy type "${st.type}"`, fix: right ? `Write type: ${right} (the value is case-sensitive).` : 'Set spec.strategy.type to RollingUpdate (the default) or Recreate.' }];
  }
  const ru = st.rollingUpdate;
  if (st.type === 'Recreate' || !isObject(ru)) return [];
  const out: Rejection[] = [];
  const base = ['spec', 'strategy', 'rollingUpdate'];
  const unavailable = ru.maxUnavailable;
  const surge = ru.maxSurge;
  out.push(...intOrPercentRejections(unavailable, 'spec.strategy.rollingUpdate.maxUnavailable', [...base, 'maxUnavailable'], 'maxUnavailable', false));
  out.push(...intOrPercentRejections(surge, 'spec.strategy.rollingUpdate.maxSurge', [...base, 'maxSurge'], 'maxSurge', false));
  // Both 0: rolling-update-unavailable's.
  out.push(...intOrPercentRejections(unavailable, 'spec.strategy.rollingUpdate.maxUnavailable', [...base, 'maxUnavailable'], 'maxUnavailable', true).filter((x) => /100%$/.test(x.error)));
  return out;
}

function daemonSetRejections(obj: JsonObject): Rejection[] {
  const spec = obj.spec;
  if (!isObject(spec) || !isObject(spec.updateStrategy)) return [];
  const st = spec.updateStrategy;
  const type = isSet(st.type) ? st.type : 'RollingUpdate';
  if (typeof type !== 'string' || isTemplated(type)) return [];
  if (type === 'OnDelete') return [];
  if (type !== 'RollingUpdate') {
    if (isSet(st.rollingUpdate)) return [];
    const right = meantValue(type, ['RollingUpdate', 'OnDelete']);
    return [{ path: ['spec', 'updateStrategy', 'type'], error: `spec.updateStrategy: Unsupported value: {"Type":${q(type)},"RollingUpdate":null}: supported values: "RollingUpdate", "OnDelete"`, what: `updateStrategy type "${type}"`, fix: right ? `Write type: ${right} (the value is case-sensitive).` : 'Set spec.updateStrategy.type to RollingUpdate (the default) or OnDelete.' }];
  }
  const ru = st.rollingUpdate;
  if (!isObject(ru)) return [];
  const base = ['spec', 'updateStrategy', 'rollingUpdate'];
  const out: Rejection[] = [];
  // Unset: maxUnavailable 1, maxSurge 0.
  const unavailable = isSet(ru.maxUnavailable) ? ru.maxUnavailable : 1;
  const surge = isSet(ru.maxSurge) ? ru.maxSurge : 0;
  if ([unavailable, surge].some((v) => typeof v === 'string' && isTemplated(v))) return [];
  out.push(...intOrPercentRejections(ru.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable', [...base, 'maxUnavailable'], 'maxUnavailable', false));
  out.push(...intOrPercentRejections(ru.maxSurge, 'spec.updateStrategy.rollingUpdate.maxSurge', [...base, 'maxSurge'], 'maxSurge', false));
  out.push(...intOrPercentRejections(ru.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable', [...base, 'maxUnavailable'], 'maxUnavailable', true).filter((x) => /100%$/.test(x.error)));
  out.push(...intOrPercentRejections(ru.maxSurge, 'spec.updateStrategy.rollingUpdate.maxSurge', [...base, 'maxSurge'], 'maxSurge', true).filter((x) => /100%$/.test(x.error)));
  const hasUnavailable = amountOf(unavailable) !== 0;
  const hasSurge = amountOf(surge) !== 0;
  if (hasUnavailable && hasSurge) {
    out.push({
      path: [...base, 'maxSurge'],
      error: `spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: ${typeof surge === 'string' ? q(surge) : String(surge)}: may not be set when maxUnavailable is non-zero`,
      what: isSet(ru.maxUnavailable) ? 'maxSurge and maxUnavailable are both set (a DaemonSet rolls with one of them)' : 'maxSurge is set while maxUnavailable is left at its default, 1 (a DaemonSet rolls with one of them)',
      fix: 'To start the new pod on a node before its old one stops, set maxUnavailable: 0 beside maxSurge; else remove maxSurge.',
    });
  }
  // Both 0: rolling-update-unavailable's.
  return out;
}

function statefulSetRejections(obj: JsonObject): Rejection[] {
  const spec = obj.spec;
  if (!isObject(spec)) return [];
  const out: Rejection[] = [];
  const policy = spec.podManagementPolicy;
  if (typeof policy === 'string' && policy !== '' && !isTemplated(policy) && policy !== 'OrderedReady' && policy !== 'Parallel') {
    const right = meantValue(policy, ['OrderedReady', 'Parallel']);
    out.push({ path: ['spec', 'podManagementPolicy'], error: `spec.podManagementPolicy: Invalid value: ${q(policy)}: must be 'OrderedReady' or 'Parallel'`, what: `podManagementPolicy "${policy}"`, fix: right ? `Write podManagementPolicy: ${right} (the value is case-sensitive).` : 'Set podManagementPolicy to OrderedReady (the default) or Parallel.' });
  }
  const svc = spec.serviceName;
  if (typeof svc === 'string' && svc !== '' && !isTemplated(svc)) {
    const errs = dnsLabelErrors(svc);
    if (errs.length) out.push({ path: ['spec', 'serviceName'], error: errs.map((e) => `spec.serviceName: Invalid value: ${q(svc)}: ${e}`).join('; '), what: `serviceName "${svc}" is not a Service name (the pods' DNS domain is made of it)`, fix: 'Set serviceName to the name of the headless Service that governs the pods (lower case, digits and "-", no dots).' });
  }
  const st = spec.updateStrategy;
  if (isObject(st) && typeof st.type === 'string' && st.type !== '' && !isTemplated(st.type) && st.type !== 'RollingUpdate' && st.type !== 'OnDelete' && !isSet(st.rollingUpdate)) {
    const type = st.type;
    const right = meantValue(type, ['RollingUpdate', 'OnDelete']);
    out.push({ path: ['spec', 'updateStrategy', 'type'], error: `spec.updateStrategy: Invalid value: {"Type":${q(type)},"RollingUpdate":null}: must be 'RollingUpdate' or 'OnDelete'`, what: `updateStrategy type "${type}"`, fix: right ? `Write type: ${right} (the value is case-sensitive).` : 'Set spec.updateStrategy.type to RollingUpdate (the default) or OnDelete.' });
  }
  return out;
}

/** ValidateNonnegativeField for each of these fields of `obj` that is a negative whole number. */
function nonNegative(obj: Json | undefined, base: FieldPath, fields: string[], what: (f: string, v: number) => string): Rejection[] {
  if (!isObject(obj)) return [];
  const out: Rejection[] = [];
  for (const f of fields) {
    const v = obj[f];
    if (typeof v !== 'number' || !Number.isInteger(v) || v >= 0) continue;
    const field = [...base, f].map(String).join('.');
    out.push({ path: [...base, f], error: `${field}: Invalid value: ${v}: must be greater than or equal to 0`, what: what(f, v), fix: `Set ${f} to 0 or more.` });
  }
  return out;
}

const JOB_NUMBERS = ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes'];

/** validateJobSpec's numbers, completion mode, per-index backoff and pod replacement policy. */
function jobRejections(spec: Json | undefined, base: FieldPath): Rejection[] {
  const out = nonNegative(spec, base, JOB_NUMBERS, (f, v) => `${f} is negative (${v})`);
  if (!isObject(spec)) return out;
  const at = (f: string) => [...base, f].map(String).join('.');
  const mode = spec.completionMode;
  const modeRej = enumRejection(mode, at('completionMode'), [...base, 'completionMode'], ['NonIndexed', 'Indexed'], 'completionMode');
  if (modeRej) out.push(modeRej);
  const set = (f: string) => spec[f] !== undefined && spec[f] !== null;
  const int = (f: string): number | undefined => (typeof spec[f] === 'number' && Number.isInteger(spec[f]) ? (spec[f] as number) : undefined);
  if (typeof mode === 'string' && isTemplated(mode)) return out;
  const indexed = mode === 'Indexed';
  const nonIndexed = !set('completionMode') || mode === 'NonIndexed';
  if (set('maxFailedIndexes') && !set('backoffLimitPerIndex')) {
    out.push({ path: [...base, 'maxFailedIndexes'], error: `${at('backoffLimitPerIndex')}: Required value: when maxFailedIndexes is specified`, what: 'maxFailedIndexes without backoffLimitPerIndex', fix: 'Set backoffLimitPerIndex (the retries of each index) beside maxFailedIndexes, or remove maxFailedIndexes.' });
  }
  if (indexed) {
    // The defaults give completions 1 when neither it nor parallelism is set.
    if (!set('completions') && set('parallelism')) {
      out.push({ path: [...base, 'completionMode'], error: `${at('completions')}: Required value: when completion mode is Indexed`, what: 'an Indexed Job without completions (the number of indexes)', fix: 'Set completions: the number of indexes (0 to completions-1) the Job runs.' });
    }
    const c = int('completions');
    const m = int('maxFailedIndexes');
    if (c !== undefined && m !== undefined && m > c) {
      out.push({ path: [...base, 'maxFailedIndexes'], error: `${at('maxFailedIndexes')}: Invalid value: ${m}: must be less than or equal to completions`, what: `maxFailedIndexes ${m} is above completions ${c}`, fix: `Set maxFailedIndexes to ${c} or less.` });
    }
  } else if (nonIndexed) {
    for (const f of ['backoffLimitPerIndex', 'maxFailedIndexes']) {
      const v = int(f);
      if (v !== undefined) out.push({ path: [...base, f], error: `${at(f)}: Invalid value: ${v}: requires indexed completion mode`, what: `${f} on a Job that is not Indexed`, fix: `Set completionMode: Indexed (with completions) for per-index retries, or use backoffLimit instead of ${f}.` });
    }
  }
  const prp = spec.podReplacementPolicy;
  if (typeof prp === 'string' && prp !== '' && !isTemplated(prp)) {
    const allowed = set('podFailurePolicy') ? ['Failed'] : ['Failed', 'TerminatingOrFailed'];
    if (!allowed.includes(prp)) {
      const right = meantValue(prp, allowed);
      out.push({
        path: [...base, 'podReplacementPolicy'],
        error: `${at('podReplacementPolicy')}: Unsupported value: ${q(prp)}: supported values: ${allowed.map((a) => q(a)).join(', ')}`,
        what: `podReplacementPolicy "${prp}"${allowed.length === 1 ? ' with a podFailurePolicy (which allows only Failed)' : ''}`,
        fix: right ? `Write podReplacementPolicy: ${right} (the value is case-sensitive).` : allowed.length === 1 ? 'Set podReplacementPolicy: Failed, or remove it (with a podFailurePolicy it defaults to Failed).' : 'Set podReplacementPolicy to Failed or TerminatingOrFailed.',
      });
    }
  }
  return out;
}

function cronJobRejections(obj: JsonObject): Rejection[] {
  const spec = obj.spec;
  if (!isObject(spec)) return [];
  const out: Rejection[] = [];
  out.push(...nonNegative(spec, ['spec'], ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit'], (f, v) => `${f} is negative (${v})`));
  const cp = enumRejection(spec.concurrencyPolicy, 'spec.concurrencyPolicy', ['spec', 'concurrencyPolicy'], ['Allow', 'Forbid', 'Replace'], 'concurrencyPolicy');
  if (cp) out.push(cp);
  const jt = spec.jobTemplate;
  if (isObject(jt)) out.push(...jobRejections(jt.spec, ['spec', 'jobTemplate', 'spec']));
  return out;
}

function pdbRejections(obj: JsonObject): Rejection[] {
  const spec = obj.spec;
  if (!isObject(spec)) return [];
  const out: Rejection[] = [];
  const min = spec.minAvailable;
  const max = spec.maxUnavailable;
  // Both set: pdb-blocks-eviction's.
  out.push(...intOrPercentRejections(min, 'spec.minAvailable', ['spec', 'minAvailable'], 'minAvailable', false));
  out.push(...intOrPercentRejections(min, 'spec.minAvailable', ['spec', 'minAvailable'], 'minAvailable', true).filter((x) => /100%$/.test(x.error)));
  out.push(...intOrPercentRejections(max, 'spec.maxUnavailable', ['spec', 'maxUnavailable'], 'maxUnavailable', false));
  out.push(...intOrPercentRejections(max, 'spec.maxUnavailable', ['spec', 'maxUnavailable'], 'maxUnavailable', true).filter((x) => /100%$/.test(x.error)));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (typeof policy === 'string' && !isTemplated(policy) && policy !== 'IfHealthyBudget' && policy !== 'AlwaysAllow') {
    const right = meantValue(policy, ['IfHealthyBudget', 'AlwaysAllow']);
    out.push({ path: ['spec', 'unhealthyPodEvictionPolicy'], error: `spec.unhealthyPodEvictionPolicy: Unsupported value: ${q(policy)}: supported values: "AlwaysAllow", "IfHealthyBudget"`, what: `unhealthyPodEvictionPolicy "${policy}"`, fix: right ? `Write unhealthyPodEvictionPolicy: ${right} (the value is case-sensitive).` : 'Set unhealthyPodEvictionPolicy to AlwaysAllow (unhealthy pods can always be evicted) or IfHealthyBudget (the default).' });
  }
  return out;
}

export default defineCheck({
  id: 'object-rejected',
  pillar: 'availability',
  severity: 'error',
  title: 'Service, Ingress, NetworkPolicy, autoscaler, Job, CronJob, ConfigMap, volume, rollout strategy or disruption budget the API server rejects',
  whatBreaks:
    'The API server validates each object before it stores it; one it rejects is not created or updated, and `kubectl apply`, server-side apply (Argo CD, Flux) and `helm install` fail on it: a Service with two unnamed ports is not there to send traffic, an Ingress path without `pathType` routes nothing, a CronJob whose schedule has six fields (seconds) or a 7 for Sunday never runs, an autoscaler without `maxReplicas` never scales.',
  details: `The rules of the API server's validation, each with its error text (Kubernetes 1.37; every rule checked with \`kubectl apply --dry-run=server\` on a real API server):

- **Service**: a \`type\` ClusterIP, NodePort, LoadBalancer or ExternalName (\`Loadbalancer\` is refused), \`sessionAffinity\` ClientIP or None, \`internalTrafficPolicy\` Cluster or Local, \`externalTrafficPolicy\` (Cluster or Local) only on NodePort and LoadBalancer Services or ones with \`externalIPs\`, \`allocateLoadBalancerNodePorts\` only on LoadBalancer ones (these two not judged in patch files or fragments, whose base may set the type); ports, unless headless (\`clusterIP: None\`; a Service with neither ports nor a selector reads as a kustomize patch and is left alone); with several ports, each needs a name, names unique and lowercase RFC 1123 labels; each port and protocol once; \`port\` from 1 to 65535 (an unset \`targetPort\` takes the port's value and is refused with it); a named \`targetPort\` at most 15 characters of \`a-z\`, \`0-9\` and \`-\`, with a letter, no \`--\`, not starting or ending with \`-\`; no \`nodePort\` on a ClusterIP Service; \`externalName\` on an ExternalName Service.
- **Service addresses**: \`loadBalancerSourceRanges\` only on LoadBalancer Services (not judged in patch files or fragments), each a CIDR (\`203.0.113.5\` without \`/32\` is refused; spaces around it are allowed); \`ipFamilyPolicy\` SingleStack, PreferDualStack or RequireDualStack, and not SingleStack with both families; \`ipFamilies\` IPv4 or IPv6, each once. (The API server checks the IP families first and reports only their errors while they exist.)
- **Ingress** (networking.k8s.io/v1): each path a \`pathType\` (Exact, Prefix or ImplementationSpecific; v1beta1 defaulted it, v1 does not) and a \`path\` starting with \`/\`; each backend a service or a resource, the service a port name or number (not both); an http rule with paths; hosts lowercase DNS names (a wildcard only as a leading \`*.\`, no IP address).
- **HorizontalPodAutoscaler**: \`maxReplicas\` set, and not below \`minReplicas\` (1 when unset); a \`scaleTargetRef\` with a \`kind\` and a \`name\`, neither with \`/\` or \`%\` (\`kind: apps/Deployment\` and \`name: shop/web\` are refused). autoscaling/v2 metrics: a \`type\` (Resource, Pods, Object, External, ContainerResource; \`resource\` is refused) and the source that type reads (\`type: Resource\` with only \`pods:\` settings is refused), one source per metric, a metric name, a resource name and a container for container metrics; targets with a \`type\` of Utilization, Value or AverageValue, \`averageUtilization\` above 0, \`value\` and \`averageValue\` above 0, and the numbers each source reads (Resource: \`averageUtilization\` or \`averageValue\`, not both; Pods: \`averageValue\`; Object: \`value\` or \`averageValue\`; External: one of them). \`behavior\`: \`stabilizationWindowSeconds\` from 0 to 3600, \`selectPolicy\` Max, Min or Disabled, a policies list that is not empty (left out, the defaults apply), each policy of type Pods or Percent with a \`value\` above 0 and \`periodSeconds\` from 1 to 1800. autoscaling/v1: a \`targetCPUUtilizationPercentage\` of at least 1 (the API server reports it at the v2 path it converts to).
- **Protocols and NetworkPolicies**: a Service port's or NetworkPolicy port's \`protocol\` TCP, UDP or SCTP (\`tcp\` and \`HTTP\` are refused); a NetworkPolicy's \`policyTypes\` Ingress or Egress, its ports from 1 to 65535, no \`endPort\` with a named port, an \`ipBlock.cidr\` (IPv4 or IPv6) a CIDR without host bits (\`10.0.0.5/8\`, \`2001:db8::1/64\` are refused), leading zeros, IPv4-mapped IPv6 addresses or a zone, each \`except\` such a CIDR strictly inside it (of the same family).
- **ConfigMap**: keys of \`data\` and \`binaryData\` letters, digits, \`-\`, \`_\` and \`.\` (no \`/\`: a file in a subdirectory is a volume's \`items\` path), not \`.\`, \`..\` or starting with \`..\`, at most 253 characters, and not in both.
- **Volumes**: a claim's \`accessModes\` and \`storage\` request (left to the base in a kustomize patch file); access modes ReadWriteOnce, ReadOnlyMany, ReadWriteMany or ReadWriteOncePod (\`ReadWriteOnly\` is refused) and \`volumeMode\` Filesystem or Block on claims and PersistentVolumes; a PersistentVolume's \`persistentVolumeReclaimPolicy\` and a StorageClass's \`reclaimPolicy\` and \`volumeBindingMode\` in their exact case (\`waitForFirstConsumer\` is refused).
- **Rollouts**: a Deployment's \`strategy.type\` Recreate or RollingUpdate (case matters), no \`rollingUpdate\` settings with Recreate, \`maxUnavailable\` and \`maxSurge\` whole numbers from 0 or percentages (\`25%\`; \`"50"\` and \`10 percent\` are refused), \`maxUnavailable\` at most 100%; a DaemonSet's \`updateStrategy.type\` RollingUpdate or OnDelete, and not both \`maxUnavailable\` and \`maxSurge\` above 0: unset, \`maxUnavailable\` is 1, so a \`maxSurge\` alone is refused (set \`maxUnavailable: 0\` with it); both 0 is **rolling-update-unavailable**'s; a StatefulSet's \`podManagementPolicy\` OrderedReady or Parallel, \`updateStrategy.type\` RollingUpdate or OnDelete, \`serviceName\` a DNS label (no dots).
- **PodDisruptionBudget**: \`minAvailable\` and \`maxUnavailable\` each a whole number from 0 or a percentage of at most 100% (both set is **pdb-blocks-eviction**'s), \`unhealthyPodEvictionPolicy\` IfHealthyBudget or AlwaysAllow.
- **Jobs and CronJobs**: \`parallelism\`, \`completions\`, \`activeDeadlineSeconds\`, \`backoffLimit\`, \`ttlSecondsAfterFinished\`, \`backoffLimitPerIndex\`, \`maxFailedIndexes\` (also in a CronJob's job template), \`startingDeadlineSeconds\` and the history limits at least 0; \`concurrencyPolicy\` Allow, Forbid or Replace; \`completionMode\` NonIndexed or Indexed (\`indexed\` is refused), an Indexed Job with \`parallelism\` needs \`completions\`, \`backoffLimitPerIndex\` and \`maxFailedIndexes\` only on Indexed Jobs, \`maxFailedIndexes\` with \`backoffLimitPerIndex\` and not above \`completions\`; \`podReplacementPolicy\` Failed or TerminatingOrFailed (only Failed with a \`podFailurePolicy\`).
- **CronJob**: a \`schedule\` the cron parser the API server uses (robfig/cron v3, standard) reads: five fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12 or JAN-DEC, day of week 0-6 or SUN-SAT: **7 is not Sunday** here), or a descriptor (\`@daily\`, \`@every 5m\`); no \`TZ=\` or \`CRON_TZ=\` in it (\`spec.timeZone\` says the zone).

Not reported: templated values, values of the wrong type (**value-type-mismatch**), files kept as kustomize patches for what a patch may leave to its base (a Service's ports, an autoscaler's maxReplicas), and a live scan (the API server accepted what it returns). Pod templates: **pod-template-rejected**; names and labels: **metadata-rejected**.`,
  fix: {
    text: 'Change the object as the message says: name the ports, add the pathType, write the schedule with five fields.',
    yaml: `apiVersion: v1
kind: Service
spec:
  ports:
    - name: http          # each port named when there are several
      port: 80
      targetPort: http
    - name: metrics
      port: 9090
---
apiVersion: batch/v1
kind: CronJob
spec:
  schedule: "0 3 * * 0"   # five fields; Sunday is 0 (7 is refused)
  timeZone: Europe/Berlin # not TZ= in the schedule`,
  },
  target: 'object',
  kinds: ['Service', 'Ingress', 'HorizontalPodAutoscaler', 'CronJob', 'Job', 'ConfigMap', 'PersistentVolumeClaim', 'PersistentVolume', 'StorageClass', 'Deployment', 'NetworkPolicy', 'DaemonSet', 'StatefulSet', 'PodDisruptionBudget'],
  validation: true,
  run({ resource, index }) {
    const out: FindingInput[] = [];
    if (index.listedKinds) return out;
    const r: Resource = resource;
    const obj = r.object;
    const patch = PATCH_FILE.test(r.origin.file);
    let found: Rejection[] = [];
    if (r.kind === 'Service' && r.apiVersion === 'v1') found = serviceRejections(obj, patch).filter((x) => !patch || !/: Required value$/.test(x.error));
    else if (r.kind === 'Ingress' && r.apiVersion === 'networking.k8s.io/v1') found = ingressRejections(obj).filter((x) => !patch || !/Required value/.test(x.error));
    else if (r.kind === 'HorizontalPodAutoscaler' && r.apiVersion.startsWith('autoscaling/')) found = [...hpaRejections(obj), ...(r.apiVersion === 'autoscaling/v2' || r.apiVersion === 'autoscaling/v1' ? hpaMetricRejections(obj, r.apiVersion === 'autoscaling/v1') : [])].filter((x) => !patch || !/Required value/.test(x.error));
    else if (r.kind === 'ConfigMap' && r.apiVersion === 'v1') found = configMapRejections(obj);
    else if (r.kind === 'PersistentVolumeClaim' && r.apiVersion === 'v1') found = pvcRejections(obj, patch);
    else if (r.kind === 'PersistentVolume' && r.apiVersion === 'v1') found = pvRejections(obj);
    else if (r.kind === 'StorageClass' && r.apiVersion === 'storage.k8s.io/v1') found = storageClassRejections(obj);
    else if (r.kind === 'Deployment' && r.apiVersion === 'apps/v1') found = deploymentRejections(obj);
    else if (r.kind === 'DaemonSet' && r.apiVersion === 'apps/v1') found = daemonSetRejections(obj);
    else if (r.kind === 'StatefulSet' && r.apiVersion === 'apps/v1') found = statefulSetRejections(obj);
    else if (r.kind === 'PodDisruptionBudget' && r.apiVersion === 'policy/v1') found = pdbRejections(obj);
    else if (r.kind === 'NetworkPolicy' && r.apiVersion === 'networking.k8s.io/v1') found = networkPolicyRejections(obj);
    else if (r.kind === 'Job' && r.apiVersion === 'batch/v1') found = jobRejections(obj.spec, ['spec']);
    else if (r.kind === 'CronJob' && r.apiVersion === 'batch/v1') {
      found = cronJobRejections(obj);
      const spec = obj.spec;
      const schedule = isObject(spec) ? spec.schedule : undefined;
      if (typeof schedule === 'string' && !isTemplated(schedule)) {
        const err = cronScheduleError(schedule);
        if (err) {
          found.push({
            path: ['spec', 'schedule'],
            error: `spec.schedule: Invalid value: ${q(schedule)}: ${err}`,
            what: /7\b.*above maximum \(6\)/.test(err) ? 'the schedule uses 7 for Sunday, which this cron parser does not accept' : /expected exactly 5 fields, found 6/.test(err) ? 'the schedule has six fields (a seconds field?), this cron format has five' : /TZ/.test(err) ? 'the schedule names a time zone' : 'the schedule is not one the cron parser reads',
            fix: /TZ/.test(err)
              ? `Move the time zone to spec.timeZone (timeZone: ${JSON.stringify(/(?:CRON_)?TZ=(\S+)/.exec(schedule)?.[1] ?? 'Etc/UTC')}) and keep the five fields in spec.schedule.`
              : /7\b.*above maximum \(6\)/.test(err)
              ? 'Write Sunday as 0 (or SUN) in the day-of-week field.'
              : /found 6/.test(err)
              ? 'Drop the first (seconds) field: minute hour day-of-month month day-of-week; a CronJob runs at most once a minute.'
              : 'Write the schedule as five fields: minute (0-59) hour (0-23) day-of-month (1-31) month (1-12) day-of-week (0-6, 0 is Sunday), or a descriptor such as @daily.',
          });
        }
      }
    }
    for (const x of found) {
      out.push({
        message: `${x.what}: kubectl apply, server-side apply and helm install reject the ${r.kind} (${x.error})`,
        path: x.path,
        fix: x.fix,
      });
    }
    return out;
  },
});

