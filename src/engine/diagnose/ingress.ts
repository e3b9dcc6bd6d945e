// Ingresses: who serves it, where it routes, and what answers there.
import { sourceWhere } from '../../model/index.js';
import type { Resource } from '../../model/types.js';
import { eventsFor, formatDuration, formatTime, parseTime } from '../../model/events.js';
import { endpointsOf, warnings } from '../../model/runtime.js';
import { get, getArray, getString, isObject, joinAnd, nearNames, stringMap } from '../../model/util.js';
import { ingressBackends } from '../../checks/networking/ingress-backend-missing.js';
import { servicePorts } from '../../checks/networking/service-util.js';
import { type Diagnosis, DIAGNOSIS_SCHEMA_VERSION, type Problem } from './types.js';
import { checkProblems, confirmed, type Ctx, ev, flow, nsFlag, prevention, quote, ref, SEVERITY_RANK, show, st, statusOf, unreadOf } from './common.js';
import { serviceDiagnosis } from './service.js';

/** Label selectors of the controllers' own Helm charts, to find their pods. */
const INGRESS_CONTROLLER_PODS: Record<string, string> = {
  'k8s.io/ingress-nginx': 'app.kubernetes.io/name=ingress-nginx',
  'traefik.io/ingress-controller': 'app.kubernetes.io/name=traefik',
  'ingress.k8s.aws/alb': 'app.kubernetes.io/name=aws-load-balancer-controller',
  'ingress-controllers.konghq.com/kong': 'app.kubernetes.io/name=kong',
  'projectcontour.io/ingress-controller': 'app.kubernetes.io/name=contour',
};

export function ingressDiagnosis(x: Ctx, ing: Resource): Diagnosis {
  const index = x.index;
  const ns = index.namespaceOf(ing);
  const n = nsFlag(index, ing);
  const walked = [show(ref(ing, index))];
  const problems: Problem[] = [];
  const annotations = stringMap(get(ing.object, ['metadata', 'annotations']));
  const className = getString(ing.object, ['spec', 'ingressClassName']) ?? annotations['kubernetes.io/ingress.class'];
  const classObj = className ? index.ofKind('IngressClass').find((c) => c.name === className) : index.ofKind('IngressClass').find((c) => stringMap(get(c.object, ['metadata', 'annotations']))['ingressclass.kubernetes.io/is-default-class'] === 'true');
  const controller = classObj ? getString(classObj.object, ['spec', 'controller']) : undefined;
  walked.push(`class: ${className ?? `none${classObj ? ` (default IngressClass ${classObj.name})` : ''}`}${controller ? `, controller ${controller}` : ''}`);
  const addresses = getArray(ing.object, ['status', 'loadBalancer', 'ingress']).map((a) => getString(a, ['ip']) ?? getString(a, ['hostname'])).filter((a): a is string => !!a);
  walked.push(`address: ${addresses.length ? addresses.join(', ') : 'none'}`);

  // Who serves it: a class no controller has is the first thing (ingress-class-missing decides, as in the manifests).
  const classProblems = checkProblems(x, ing, 'ingress-class-missing', () => `no controller serves Ingress ${ing.name}: ${className ? `class "${className}" does not exist` : 'it names no class'}`);
  const nearClass = className ? nearNames(className, index.ofKind('IngressClass').map((c) => c.name), true) : [];
  for (const p of classProblems) {
    if (nearClass.length === 1 && getString(ing.object, ['spec', 'ingressClassName']) === className) p.fix = { ...p.fix, commands: [`kubectl ${n} patch ingress ${ing.name} --type=merge -p '{"spec":{"ingressClassName":"${nearClass[0]}"}}'`] };
    else p.fix = { ...p.fix, commands: ['kubectl get ingressclass'] };
  }
  problems.push(...classProblems);

  // Where it routes: each backend Service and port, and whether anything answers there.
  const backends = ingressBackends(ing);
  const routeOf = (b: (typeof backends)[number]) => (b.path === null ? 'the default backend' : `${b.host || '*'}${b.path}`);
  const seen = new Set<string>();
  const pathsOf = (svc: string) => [...new Set(backends.filter((b) => b.service === svc).map(routeOf))];
  const backendProblems = checkProblems(x, ing, 'ingress-backend-missing', (f) => {
      const at = JSON.stringify(f.path);
      const b = backends.find((k) => JSON.stringify(k.namePath) === at || JSON.stringify(k.portPath) === at);
      if (!b) return 'requests get 503: a backend Service or port does not exist';
      const route = `requests for ${routeOf(b)} ${f.severity === 'warning' ? 'may get' : 'get'} 503`;
      return JSON.stringify(b.namePath) === at ? `${route}: Service ${b.service} does not exist` : `${route}: Service ${b.service} has no port ${typeof b.port === 'number' ? b.port : `named "${b.port}"`}`;
  });
  // A port that is a near miss of one the Service has: the exact patch.
  for (const b of backends) {
    const svc = index.inNamespace('Service', ns).find((x) => x.name === b.service);
    if (!svc) continue;
    const ports = servicePorts(svc);
    const has = ports.some((p) => (typeof b.port === 'number' ? p.port === b.port : p.name === b.port));
    if (has) continue;
    const prob = backendProblems.find((p) => p.symptom.endsWith(`Service ${b.service} has no port ${typeof b.port === 'number' ? b.port : `named "${b.port}"`}`));
    if (!prob) continue;
    const pointer = `/${b.portPath.map(String).join('/')}`;
    const names = ports.map((p) => p.name).filter((v): v is string => !!v);
    const near = typeof b.port === 'string' ? nearNames(b.port, names) : [];
    const value = typeof b.port === 'string' ? (near.length === 1 ? JSON.stringify(near[0]) : undefined) : ports.length === 1 && ports[0].port !== undefined ? String(ports[0].port) : undefined;
    if (value !== undefined) {
      prob.fix = { ...prob.fix, text: `${typeof b.port === 'string' ? `Use the Service's port name ${value}` : `Use the Service's port ${value}`} for this backend.`, commands: [`kubectl ${n} patch ingress ${ing.name} --type=json -p '[{"op":"replace","path":"${pointer}","value":${value}}]'`], yaml: null };
      if (near.length === 1) prob.cause += `; did you mean "${near[0]}"?`;
    }
  }
  // Resource backends (spec.defaultBackend.resource, a path's backend.resource): a custom object the controller serves itself.
  const resourceBackends = [get(ing.object, ['spec', 'defaultBackend', 'resource']), ...getArray(ing.object, ['spec', 'rules']).flatMap((r) => getArray(r, ['http', 'paths']).map((p) => get(p, ['backend', 'resource'])))].filter(isObject);
  for (const rb of resourceBackends) walked.push(`resource backend ${getString(rb, ['kind']) ?? '?'} ${getString(rb, ['name']) ?? '?'}: not walked (served by the controller itself; ingress-nginx serves none)`);
  // A Service's targetPort named as the backend port is a warning for controllers that do not accept
  // it; the class says which controller serves this one, and ingress-nginx does.
  problems.push(...backendProblems.filter((p) => !(p.severity === 'warning' && controller === 'k8s.io/ingress-nginx')));
  const servicesUnread = unreadOf(x.opts, ['Service'], ns).length > 0;
  for (const b of backends) {
    if (seen.has(b.service)) continue;
    seen.add(b.service);
    const svc = index.inNamespace('Service', ns).find((s) => s.name === b.service);
    const routes = pathsOf(b.service);
    if (!svc) {
      walked.push(`${joinAnd(routes)} -> Service ${b.service}: ${servicesUnread ? 'not read' : `not found ${sourceWhere(index)}`}`);
      continue;
    }
    if (getString(svc.object, ['spec', 'type']) === 'ExternalName') {
      walked.push(`${joinAnd(routes)} -> Service ${b.service} (ExternalName ${getString(svc.object, ['spec', 'externalName']) ?? '?'}):${b.port}`);
      continue;
    }
    const d = serviceDiagnosis({ ...x, notes: new Set() }, svc);
    const ep = endpointsOf(index, svc);
    walked.push(`${joinAnd(routes)} -> Service ${b.service}:${b.port}: ${d.status === 'broken' || !ep ? d.symptom : `${ep.ready} ready endpoint${ep.ready === 1 ? '' : 's'}`}`);
    const worst = d.problems[0];
    if (d.status === 'broken' && worst) {
      problems.push({
        check: 'service-no-ready-endpoints',
        severity: 'error',
        symptom: `requests for ${joinAnd(routes)} get 503: Service ${b.service} has no ready endpoints`,
        object: ref(svc, index),
        container: null,
        pods: worst.pods,
        evidence: worst.evidence.slice(0, 3),
        cause: `the controller routes ${joinAnd(routes)} to Service ${b.service}, which has no ready endpoint: ${worst.symptom}${worst.cause && worst.cause !== worst.symptom ? ` (${worst.cause})` : ''}`,
        fix: { text: `Fix what leaves Service ${b.service} without ready endpoints; its own diagnosis walks its pods.`, commands: [`kubeready diagnose svc/${b.service} ${n}`], yaml: null },
        prevent: worst.prevent,
        logs: null,
      });
    }
  }

  // TLS: the Secret each tls entry names; without it the controller serves its default certificate.
  const secretsRead = !unreadOf(x.opts, ['Secret'], ns).length && (index.listedKinds?.has('Secret') ?? false);
  getArray(ing.object, ['spec', 'tls']).forEach((t, i) => {
    const secret = getString(t, ['secretName']);
    const hosts = getArray(t, ['hosts']).filter((h): h is string => typeof h === 'string');
    if (!secret) {
      walked.push(`TLS ${hosts.length ? joinAnd(hosts) : '(all hosts)'}: no secretName (the controller's default certificate, self-signed unless it is configured with one)`);
      return;
    }
    if (secret.includes('/')) return;
    const exists = index.inNamespace('Secret', ns).some((s) => s.name === secret);
    walked.push(`TLS ${hosts.length ? joinAnd(hosts) : '(all hosts)'}: Secret ${secret}${exists ? '' : secretsRead ? ' not found' : ' (not read)'}`);
    if (!exists && !secretsRead) x.notes.add(`TLS not verified: Secret ${secret} could not be checked (listing Secrets in ${ns} is not allowed for this user, or the input holds none)`);
    if (exists || !secretsRead) return;
    const issuer = ['cert-manager.io/cluster-issuer', 'cert-manager.io/issuer'].map((k) => annotations[k]).find(Boolean);
    const cert = index.inNamespace('Certificate', ns).find((c) => getString(c.object, ['spec', 'secretName']) === secret);
    problems.push({
      check: 'ingress-tls-secret-missing',
      severity: 'error',
      symptom: `HTTPS for ${hosts.length ? joinAnd(hosts) : 'its hosts'} fails: TLS Secret ${secret} does not exist`,
      object: ref(ing, index),
      container: null,
      pods: [],
      evidence: [st(ing, ['spec', 'tls', i, 'secretName'], `spec.tls[${i}].secretName: ${secret}; no Secret of that name in namespace ${ns}`, index, 'spec')],
      cause: `the controller has no certificate for ${hosts.length ? joinAnd(hosts) : 'these hosts'} and serves its default one (usually self-signed): clients refuse the connection${issuer ? `; the Ingress asks cert-manager (issuer ${issuer}) for it, which has not issued it` : ''}`,
      fix: issuer || cert
        ? { text: 'Find why cert-manager has not issued the certificate (first, that it is installed at all): the Certificate\'s conditions, then its CertificateRequest and Order (an ACME challenge that cannot be reached is the usual cause).', commands: ['kubectl get crd certificates.cert-manager.io', `kubectl ${n} describe certificate ${cert ? cert.name : secret}`, `kubectl ${n} get certificaterequests,orders,challenges`], yaml: null }
        : { text: `Create the TLS Secret in namespace ${ns}, or let cert-manager issue it.`, commands: [`kubectl ${n} create secret tls ${secret} --cert=tls.crt --key=tls.key`], yaml: null },
      prevent: issuer || cert ? [] : confirmed(x, ing, [prevention('ingress-tls-secret-missing', 'a TLS Secret that nothing in the manifests provides is flagged (unknown unless the input is complete)')]),
      logs: null,
    });
  });

  // What the controller said: its Warning events (a cloud load balancer that failed to sync, a rejected annotation).
  const warn = warnings(index, ing).sort((a, b) => (a.time ?? 0) - (b.time ?? 0)).pop();
  if (warn) {
    problems.push({
      check: null,
      severity: 'warning',
      symptom: `the ingress controller reports ${warn.reason}`,
      object: ref(ing, index),
      container: null,
      pods: [],
      evidence: [ev(warn, index)],
      cause: `${warn.source ?? 'the controller'} reported ${warn.reason}: "${quote(warn.message, 300)}"`,
      fix: { text: 'Fix what the event names; the controller\'s own log has the details.', commands: [`kubectl ${n} describe ingress ${ing.name}`], yaml: null },
      prevent: [],
      logs: null,
    });
  }

  // No address: nothing has admitted it (when no class problem explains it already), after a grace period.
  const created = parseTime(getString(ing.object, ['metadata', 'creationTimestamp']));
  const old = x.now === undefined || created === undefined || x.now - created >= 5 * 60_000;
  const noClass = getString(ing.object, ['spec', 'ingressClassName']) === undefined && annotations['kubernetes.io/ingress.class'] === undefined;
  if (!addresses.length && !classProblems.length && old && noClass && classObj) {
    // The DefaultIngressClass admission plugin sets ingressClassName only when an Ingress is created:
    // one created before a class was marked default keeps no class, and controllers that select by
    // class (ingress-nginx without --watch-ingress-without-class) ignore it.
    problems.push({
      check: null,
      severity: 'error',
      symptom: `Ingress ${ing.name} names no class and has no address: the default IngressClass ${classObj.name} does not apply to it`,
      object: ref(ing, index),
      container: null,
      pods: [],
      evidence: [st(ing, ['spec'], `no spec.ingressClassName, no ${'kubernetes.io/ingress.class'} annotation; IngressClass ${classObj.name} is marked default`, index, 'spec')],
      cause: `the default IngressClass is applied by admission only when an Ingress is created, so this one (created without a class, before ${classObj.name} was marked default or with the plugin off) has none; controllers that select by class ignore it unless they also watch Ingresses without a class`,
      fix: { text: `Give it the class.`, commands: [`kubectl ${n} patch ingress ${ing.name} --type=merge -p '{"spec":{"ingressClassName":"${classObj.name}"}}'`], yaml: null },
      prevent: [],
      logs: null,
    });
  } else if (!addresses.length && !classProblems.length && old) {
    const selector = controller ? INGRESS_CONTROLLER_PODS[controller] : undefined;
    problems.push({
      check: null,
      severity: 'warning',
      symptom: `Ingress ${ing.name} has no address: no controller has admitted it (or its controller does not publish addresses)`,
      object: ref(ing, index),
      container: null,
      pods: [],
      evidence: [st(ing, ['status', 'loadBalancer'], `status.loadBalancer: ${flow(get(ing.object, ['status', 'loadBalancer']) ?? {})}${created !== undefined ? `; created ${formatTime(created)}` : ''}`, index)],
      cause: `the controller of ${classObj ? `IngressClass ${classObj.name}${controller ? ` (${controller})` : ''}` : className ? `class "${className}"` : 'the cluster'} has not written an address: it is not running, watches other namespaces or classes, or cannot create its load balancer (kubectl get ingress shows no ADDRESS)`,
      fix: {
        text: 'Check that the controller for this class runs and watches this namespace; its log says why it skips the Ingress.',
        commands: [...(classObj ? [`kubectl get ingressclass ${classObj.name} -o yaml`] : []), ...(selector ? [`kubectl get pods -A -l ${selector}`] : []), `kubectl ${n} describe ingress ${ing.name}`],
        yaml: null,
      },
      prevent: [],
      logs: null,
    });
  }
  walked.push(`Events: ${eventsFor(index, ing).length}`);
  // In the order they matter: no controller, no Service, no endpoints, no certificate; errors first.
  problems.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  return {
    schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
    target: ref(ing, index),
    status: statusOf(problems),
    symptom:
      problems[0]?.symptom ??
      `${addresses.length ? `served at ${addresses.join(', ')}` : created !== undefined && x.now !== undefined ? `no address yet (created ${formatDuration(Math.max(0, x.now - created))} ago)` : 'no address'}; ${backends.length ? 'every Service backend has ready endpoints' : 'no Service backend'}${[...x.notes].some((t) => t.startsWith('TLS not verified')) ? '; TLS not verified' : ''}`,
    walked,
    problems,
    notes: [...x.notes],
  };
}
