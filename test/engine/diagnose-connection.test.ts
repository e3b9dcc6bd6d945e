/**
 * kubeready diagnose FROM --to TO: may one workload's pods reach another's (or a Service), under the
 * NetworkPolicies of both sides, the Service's port translation and DNS egress. On manifests (no
 * status needed) and dumps; the real API server's side is in test/cluster/diagnose-walks.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { loadText } from '../../src/sources/resources.js';
import { ResourceIndex } from '../../src/model/index.js';
import { diagnoseConnection, type ConnectionTarget, type Diagnosis } from '../../src/engine/diagnose/index.js';
import { runCli } from '../helpers/cli.js';

type Obj = Record<string, unknown>;

function text(items: Obj[]): string {
  return items.map((d) => YAML.stringify(d, { lineWidth: 0 })).join('---\n');
}
function run(items: Obj[], from: string, to: Omit<ConnectionTarget, 'namespace'> & { namespace?: string }, ns = 'shop'): Diagnosis {
  const index = new ResourceIndex(loadText(text(items), 'app.yaml').resources, ns);
  const [kind, name] = from.split('/');
  return diagnoseConnection(index, { kind: kind as 'Deployment', name, namespace: ns }, { namespace: ns, ...to });
}

const deploy = (name: string, ns = 'shop', ports: Obj[] = [], labels: Record<string, string> = {}): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name, ...labels } }, spec: { containers: [{ name: 'app', image: `${name}:1`, ...(ports.length ? { ports } : {}) }] } } },
});
const service = (name: string, ports: Obj[], ns = 'shop'): Obj => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { selector: { app: name }, ports } });
const policy = (name: string, spec: Obj, ns = 'shop'): Obj => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });
const namespace = (name: string, labels: Record<string, string> = {}): Obj => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } });

const FRONTEND = deploy('frontend', 'shop', [], { tier: 'web' });
const API = deploy('api', 'shop', [{ name: 'http', containerPort: 8080 }]);
const API_SVC = service('api', [{ name: 'web', port: 80, targetPort: 'http' }]);
const API_FROM_GATEWAY = policy('api-from-gateway', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'gateway' } } }], ports: [{ port: 8080 }] }] });
const FRONTEND_EGRESS_SVC_PORT = policy('frontend-egress', { podSelector: { matchLabels: { app: 'frontend' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 80 }] }] });

describe('diagnose --to: connections under NetworkPolicies', () => {
  it('blocked both ways: names each policy and what it does allow, the Service-port mistake, DNS, and a policy that opens exactly this', () => {
    const d = run([FRONTEND, API, API_SVC, API_FROM_GATEWAY, FRONTEND_EGRESS_SVC_PORT], 'Deployment/frontend', { kind: 'Service', name: 'api' });
    assert.equal(d.status, 'broken');
    assert.deepEqual(d.walked, [
      'Deployment shop/frontend',
      'Service api: port web 80 -> targetPort http; selects Deployment api',
      'egress of Deployment frontend: NetworkPolicy frontend-egress',
      'ingress of Deployment api: NetworkPolicy api-from-gateway',
    ]);
    assert.deepEqual(d.problems.map((p) => p.symptom), [
      'Deployment frontend -> Deployment api on TCP/8080: blocked by egress NetworkPolicy (frontend-egress)',
      'Deployment frontend -> Deployment api on TCP/8080: blocked by ingress NetworkPolicy (api-from-gateway)',
      'Deployment frontend cannot resolve api: its egress policies block DNS',
    ]);
    const [egress, ingress] = d.problems;
    assert.match(egress.cause, /; a rule allows TCP\/80, the Service's port, but NetworkPolicy sees the connection after the Service has translated it to the pod's port 8080$/);
    assert.doesNotMatch(ingress.cause, /Service's port/);
    assert.equal(ingress.evidence[0].text, "NetworkPolicy api-from-gateway selects Deployment api's pods (podSelector app=api) for ingress; it allows from pods app=gateway on TCP/8080");
    assert.equal(
      ingress.fix.yaml,
      [
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata:',
        '  name: allow-frontend-to-api-8080-ingress',
        '  namespace: shop',
        'spec:',
        '  podSelector:',
        '    matchLabels:',
        '      app: api',
        '  policyTypes: [Ingress]',
        '  ingress:',
        '  - from:',
        '    - podSelector:',
        '        matchLabels:',
        '          app: frontend',
        '    ports:',
        '    - protocol: TCP',
        "      port: 8080   # the pod's port: policies see the connection after the Service has translated its port",
      ].join('\n'),
    );
    assert.equal(d.problems[2].check, 'netpol-egress-blocks-dns');
  });

  it('the suggested policy, applied, makes it allowed; the answer names the rules that allow it', () => {
    const first = run([FRONTEND, API, API_SVC, API_FROM_GATEWAY], 'Deployment/frontend', { kind: 'Service', name: 'api', port: 'web' });
    const fix = YAML.parse(first.problems[0].fix.yaml!) as Obj;
    const d = run([FRONTEND, API, API_SVC, API_FROM_GATEWAY, fix], 'Deployment/frontend', { kind: 'Service', name: 'api', port: 80 });
    assert.equal(d.status, 'healthy', JSON.stringify(d.problems.map((p) => p.symptom)));
    assert.equal(d.symptom, "Deployment frontend may reach Service api:80: egress open (no NetworkPolicy selects Deployment frontend's pods for egress); ingress allowed by NetworkPolicy allow-frontend-to-api-8080-ingress (spec.ingress[0]: from pods app=frontend on TCP/8080)");
  });

  it('across namespaces: a namespaceSelector on the namespace name allows it; the fix for a block carries one', () => {
    const web = deploy('web', 'edge');
    const allowEdge = policy('api-from-edge', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } }, podSelector: { matchLabels: { app: 'web' } } }] }] });
    const index = new ResourceIndex(loadText(text([namespace('shop'), namespace('edge'), web, API, API_SVC, allowEdge]), 'app.yaml').resources, 'edge');
    const ok = diagnoseConnection(index, { kind: 'Deployment', name: 'web', namespace: 'edge' }, { kind: 'Service', name: 'api', namespace: 'shop' });
    assert.equal(ok.status, 'healthy', ok.symptom);
    const index2 = new ResourceIndex(loadText(text([namespace('shop'), namespace('edge'), web, API, API_SVC, API_FROM_GATEWAY]), 'app.yaml').resources, 'edge');
    const blocked = diagnoseConnection(index2, { kind: 'Deployment', name: 'web', namespace: 'edge' }, { kind: 'Service', name: 'api', namespace: 'shop' });
    assert.equal(blocked.status, 'broken');
    assert.match(blocked.problems[0].fix.yaml ?? '', /- podSelector:\n {8}matchLabels:\n {10}app: web\n {6}namespaceSelector:\n {8}matchLabels:\n {10}kubernetes\.io\/metadata\.name: edge\n/);
  });

  it('the egress and the ingress fix both apply (distinct names) and together allow it; the DNS fix selects only the source', () => {
    const denyAll = policy('deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const first = run([FRONTEND, API, API_SVC, denyAll], 'Deployment/frontend', { kind: 'Service', name: 'api', port: 80 });
    const fixes = first.problems.filter((p) => p.check === null).map((p) => YAML.parse(p.fix.yaml!) as { metadata: { name: string } });
    assert.deepEqual(fixes.map((f) => f.metadata.name), ['allow-frontend-to-api-8080-egress', 'allow-frontend-to-api-8080-ingress']);
    const dns = first.problems.find((p) => p.check === 'netpol-egress-blocks-dns')!;
    const dnsPolicy = YAML.parse(dns.fix.yaml!) as Obj;
    assert.deepEqual((dnsPolicy.spec as Obj).podSelector, { matchLabels: { app: 'frontend' } });
    const after = run([FRONTEND, API, API_SVC, denyAll, ...(fixes as unknown as Obj[]), dnsPolicy], 'Deployment/frontend', { kind: 'Service', name: 'api', port: 80 });
    assert.equal(after.status, 'healthy', JSON.stringify(after.problems.map((p) => p.symptom)));
  });

  it('DNS: port 53 allowed only towards the wrong pods is blocked; towards namespaces whose labels are unknown, a note says it cannot tell', () => {
    const egress = (to: Obj[]) => policy('fe-out', { podSelector: { matchLabels: { app: 'frontend' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 8080 }] }, { to, ports: [{ port: 53, protocol: 'UDP' }] }] });
    const wrong = run([FRONTEND, API, API_SVC, egress([{ podSelector: { matchLabels: { app: 'api' } } }])], 'Deployment/frontend', { kind: 'Service', name: 'api', port: 80 });
    assert.deepEqual(wrong.problems.map((p) => p.check), ['netpol-egress-blocks-dns']);
    assert.match(wrong.problems[0].cause, /^no egress rule of NetworkPolicy fe-out allows UDP 53 to the cluster DNS pods \(kube-system, k8s-app=kube-dns\)/);
    const unknown = run([FRONTEND, API, API_SVC, egress([{ namespaceSelector: { matchLabels: { team: 'platform' } } }])], 'Deployment/frontend', { kind: 'Service', name: 'api', port: 80 });
    assert.equal(unknown.status, 'healthy');
    assert.ok(unknown.notes.some((n) => n.startsWith("DNS: cannot tell whether Deployment frontend's pods may query the cluster DNS: rule spec.egress[1] of NetworkPolicy fe-out")), unknown.notes.join(' | '));
    const right = run([FRONTEND, API, API_SVC, egress([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }])], 'Deployment/frontend', { kind: 'Service', name: 'api', port: 80 });
    assert.equal(right.status, 'healthy');
    assert.ok(!right.notes.some((n) => n.startsWith('DNS')), right.notes.join(' | '));
  });

  it('a pod is judged on its own labels, not its owner\'s template', () => {
    const quarantined: Obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'api-abc-1', namespace: 'shop', labels: { app: 'api', quarantine: 'true' } }, spec: { containers: [{ name: 'app', image: 'api:1', ports: [{ name: 'http', containerPort: 8080 }] }] } };
    const isolate = policy('quarantine', { podSelector: { matchLabels: { quarantine: 'true' } }, policyTypes: ['Ingress'] });
    const d = run([FRONTEND, API, quarantined, isolate], 'Deployment/frontend', { kind: 'Pod', name: 'api-abc-1', port: 8080 });
    assert.equal(d.status, 'broken');
    assert.equal(d.symptom, 'Deployment frontend -> Pod api-abc-1 on TCP/8080: blocked by ingress NetworkPolicy (quarantine)');
  });

  it('no port asked: each declared port must be allowed both ways (egress 9090 and ingress 8080 allow nothing)', () => {
    const api = deploy('api', 'shop', [{ containerPort: 8080 }, { containerPort: 9090 }]);
    const out = policy('fe-out', { podSelector: { matchLabels: { app: 'frontend' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 9090 }] }] });
    const inn = policy('api-in', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 8080 }] }] });
    const d = run([FRONTEND, api, out, inn], 'Deployment/frontend', { kind: 'Deployment', name: 'api' });
    assert.equal(d.status, 'broken');
    assert.deepEqual(d.problems.map((p) => p.symptom), [
      'Deployment frontend -> Deployment api on TCP/8080: blocked by egress NetworkPolicy (fe-out)',
      'Deployment frontend -> Deployment api on TCP/9090: blocked by ingress NetworkPolicy (api-in)',
    ]);
  });

  it('a peer without labels: the fix selects it by a label to add, never by an empty selector (every pod); a Job by the job-name label the API adds', () => {
    const bare: Obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'shop' }, spec: { containers: [{ name: 'sh', image: 'busybox:1.36' }] } };
    const d = run([bare, API, API_SVC, API_FROM_GATEWAY], 'Pod/debug', { kind: 'Service', name: 'api', port: 80 });
    assert.match(d.problems[0].fix.yaml ?? '', /- podSelector:\n {8}matchLabels:\n {10}app: debug {3}# its pods carry no label: add this one to Pod debug's pod template first/);
    const job: Obj = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'shop' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'm:1' }] } } } };
    const blocked = run([job, API, API_SVC, API_FROM_GATEWAY], 'Job/migrate', { kind: 'Service', name: 'api', port: 80 });
    assert.match(blocked.problems[0].fix.yaml ?? '', /- podSelector:\n {8}matchLabels:\n {10}batch\.kubernetes\.io\/job-name: migrate\n/);
    const byJobName = policy('api-from-migrate', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { 'batch.kubernetes.io/job-name': 'migrate' } } }] }] });
    assert.equal(run([job, API, API_SVC, API_FROM_GATEWAY, byJobName], 'Job/migrate', { kind: 'Service', name: 'api', port: 80 }).status, 'healthy');
  });

  it('host-network pods: policies do not apply to their side; a destination with none is reachable', () => {
    const hostApi = deploy('api', 'shop', [{ containerPort: 8080 }]);
    ((hostApi.spec as { template: { spec: Obj } }).template.spec).hostNetwork = true;
    const d = run([FRONTEND, hostApi], 'Deployment/frontend', { kind: 'Deployment', name: 'api', port: 8080 });
    assert.equal(d.status, 'healthy', d.symptom);
    assert.match(d.symptom, /ingress open \(Deployment api uses the host network, and NetworkPolicy does not apply to its pods\)/);
  });

  it('an ExternalName Service, or one without a selector: cannot tell, and why', () => {
    const ext = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'partner', namespace: 'shop' }, spec: { type: 'ExternalName', externalName: 'api.partner.example.com' } };
    const d = run([FRONTEND, ext], 'Deployment/frontend', { kind: 'Service', name: 'partner', port: 443 });
    assert.equal(d.status, 'unknown');
    assert.match(d.symptom, /is an ExternalName \(api\.partner\.example\.com\): traffic goes to whatever that name resolves to, which only ipBlock egress rules can allow/);
  });

  it('cannot tell when a policy\'s selector is a template; says so instead of allowed or blocked', () => {
    const templated = policy('api-in', { podSelector: { matchLabels: { app: '{{ .Values.app }}' } }, policyTypes: ['Ingress'], ingress: [] });
    const d = run([FRONTEND, API, API_SVC, templated], 'Deployment/frontend', { kind: 'Service', name: 'api' });
    assert.equal(d.status, 'unknown');
    assert.equal(d.symptom, "cannot tell whether Deployment frontend may reach Service api: ingress of Deployment api: whether NetworkPolicy api-in selects Deployment api's pods cannot be told (a template in its podSelector)");
  });

  it('each "cannot tell" names its cause: an ipBlock peer, a namespace whose labels are not in the input', () => {
    const ip = policy('api-in', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] });
    const d = run([FRONTEND, API, API_SVC, ip], 'Deployment/frontend', { kind: 'Service', name: 'api', port: 80 });
    assert.equal(d.status, 'unknown');
    assert.match(d.symptom, /: rule spec\.ingress\[0\] of NetworkPolicy api-in allows ipBlock 10\.0\.0\.0\/8: whether that covers the pods' IPs depends on the cluster's pod CIDR$/);
    const web = deploy('web', 'edge');
    const byTeam = policy('api-from-team', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'edge' } } }] }] });
    const index = new ResourceIndex(loadText(text([web, API, API_SVC, byTeam]), 'app.yaml').resources, 'edge');
    const cross = diagnoseConnection(index, { kind: 'Deployment', name: 'web', namespace: 'edge' }, { kind: 'Service', name: 'api', namespace: 'shop' });
    assert.equal(cross.status, 'unknown');
    assert.match(cross.symptom, /selects namespaces by labels, and namespace edge's labels are not in the input \(add its Namespace object\)$/);
  });

  it('the Service itself: no such port, or a targetPort name no container declares', () => {
    const noPort = run([FRONTEND, API, API_SVC], 'Deployment/frontend', { kind: 'Service', name: 'api', port: 443 });
    assert.equal(noPort.problems[0].symptom, 'Service api has no port 443');
    const targetPort = run([FRONTEND, API, API_SVC], 'Deployment/frontend', { kind: 'Service', name: 'api', port: 'http' });
    assert.match(targetPort.problems[0].cause, /; http is the targetPort of Service port web\/80: clients connect to api:80$/);
    const badName = run([FRONTEND, API, service('api', [{ port: 80, targetPort: 'htttp' }])], 'Deployment/frontend', { kind: 'Service', name: 'api' });
    assert.equal(badName.problems[0].symptom, 'Service api port 80: targetPort "htttp" is no port of Deployment api');
  });

  it('a workload as the destination, by container port name; no policy at all: allowed', () => {
    const d = run([FRONTEND, API], 'Deployment/frontend', { kind: 'Deployment', name: 'api', port: 'http' });
    assert.equal(d.status, 'healthy');
    assert.deepEqual(d.walked.slice(1), ['Deployment api port 8080/TCP', 'egress of Deployment frontend: no NetworkPolicy selects its pods (open)', 'ingress of Deployment api: no NetworkPolicy selects its pods (open)']);
  });

  it('the CLI: --to on manifests, exit 1 when blocked, 0 when allowed; usage errors exit 2', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'kr-conn-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'app.yaml'), text([FRONTEND, API, API_SVC, API_FROM_GATEWAY]));
    const blocked = await runCli(['diagnose', 'deploy/frontend', '-n', 'shop', '--to', 'svc/api:80', '--from', 'app.yaml'], { cwd: dir });
    assert.equal(blocked.code, 1, blocked.stderr);
    assert.match(blocked.stdout, /^Deployment shop\/frontend: BROKEN {2}\(app\.yaml\)\nSymptom {2}Deployment frontend -> Deployment api on TCP\/8080: blocked by ingress NetworkPolicy \(api-from-gateway\)\n/);
    const json = await runCli(['diagnose', 'deploy/frontend', '-n', 'shop', '--to', 'deploy/api:http', '--from', 'app.yaml', '-o', 'json'], { cwd: dir });
    assert.equal((JSON.parse(json.stdout) as Diagnosis).status, 'broken');
    const none = await runCli(['diagnose', '--to', 'svc/api', '--from', 'app.yaml'], { cwd: dir });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--to needs a source/);
    const badPort = await runCli(['diagnose', 'deploy/frontend', '--to', 'svc/api:70000', '--from', 'app.yaml'], { cwd: dir });
    assert.equal(badPort.code, 2);
    assert.match(badPort.stderr, /port 70000 is not 1-65535/);
    const gone = await runCli(['diagnose', 'deploy/frontend', '-n', 'shop', '--to', 'svc/nope', '--from', 'app.yaml'], { cwd: dir });
    assert.equal(gone.code, 2);
    assert.equal(gone.stderr, 'kubeready: Service "nope" not found in namespace shop\n');
  });
});
