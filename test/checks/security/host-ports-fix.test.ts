/**
 * host-ports: each finding's own fix. The YAML removes that container's hostPorts (and only those);
 * the text gives the Service the pods are reached through (the pod template's own labels, the
 * container's port by name), or names the Service of the input that already does, says what a
 * ClusterIP Service does not give external clients, and how to keep the hostPort (privileged
 * namespace and a kubeready exemption), for a node agent first of all.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as yaml from 'js-yaml';
import check from '../../../src/checks/security/host-ports.js';
import { allChecks } from '../../../src/checks/index.js';
import { runCheck } from '../../helpers/check-tester.js';
import { applyFixes } from '../../helpers/apply-fix.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';
import { loadText } from '../../../src/sources/resources.js';
import { parseConfig } from '../../../src/engine/config.js';
import type { Check } from '../../../src/checks/types.js';

const byId = (id: string): Check => allChecks.find((c) => c.id === id)!;
const selectsNothing = byId('service-selects-nothing');

/** The Service of a fix text (the one-line YAML of its `echo '...' | kubectl apply -f -`). */
function serviceOf(fix: string): Record<string, any> {
  const m = /echo '([^']+)' \| kubectl apply -f -/.exec(fix);
  assert.ok(m, `the fix gives a Service to apply:\n${fix}`);
  // JSON: kubectl reads input that starts with { as JSON.
  return JSON.parse(m[1]) as Record<string, any>;
}

/** The exemption line of a fix text, as a .kubeready.yaml. */
function exemptionOf(fix: string): string {
  const m = /(exemptions: \[\{.*?\}\])/.exec(fix);
  assert.ok(m, `the fix gives an exemption:\n${fix}`);
  return m[1];
}

const EDGE = `apiVersion: apps/v1
kind: Deployment
metadata: {name: edge, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: edge}}
  template:
    metadata:
      labels: {app: edge, tier: front, pod-template-hash: 5d9f}
    spec:
      containers:
      - name: proxy
        image: registry.example.com/edge:1.0
        ports:
        - {name: https, containerPort: 8443, hostPort: 443}
        - {name: admin, containerPort: 9901}
`;

describe('host-ports: the fix of each finding', () => {
  it('removes the hostPort of that port only, keeping the other ports as written', () => {
    const [f] = runCheck(check, EDGE);
    assert.equal(
      f.fixYaml,
      `spec:
  template:
    spec:
      containers:
      - name: proxy
        ports:
        - name: https
          containerPort: 8443
          hostPort: null   # removed
        - name: admin
          containerPort: 9901`,
    );
  });

  it("gives a Service that selects the pod template's own labels (not the controller's) and targets the container port by name", () => {
    const [f] = runCheck(check, EDGE);
    assert.deepEqual(serviceOf(f.fix!), {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'edge', namespace: 'shop' },
      spec: { selector: { app: 'edge', tier: 'front' }, ports: [{ port: 8443, targetPort: 'https' }] },
    });
    assert.match(f.fix!, /^Remove hostPort 443 \("https"\) of container "proxy" \(the YAML\) and reach the pods through a Service that selects them by the pod template's own labels/);
    // What a ClusterIP Service does not give, and the two ways for an edge proxy.
    assert.match(f.fix!, /A ClusterIP Service \(the default type\) is reachable only from inside the cluster: it does not give clients outside it what :443 on the node's IP gave them; for an edge proxy or ingress controller make it type: LoadBalancer \(or NodePort\), or keep the hostPort on a dedicated node pool: run it in a namespace that holds only workloads that may bind host ports, labelled pod-security.kubernetes.io\/enforce: privileged/);
    assert.match(f.fix!, /kubectl label namespace shop pod-security.kubernetes.io\/enforce=privileged --overwrite/);
    assert.match(f.fix!, /Without the hostPort, two of its replicas may run on one node/);
  });

  it('applied (the YAML, then the Service): the finding is gone and the Service selects the pods', () => {
    const { before, after, fixed } = applyFixes(check, EDGE);
    assert.equal(before.length, 1);
    assert.deepEqual(after, [], fixed);
    const withService = `${fixed}---\n${yaml.dump(serviceOf(before[0].fix!))}`;
    assert.deepEqual(runCheck(selectsNothing, withService).map((f) => f.message), []);
    // The made-up Service of the documentation example, applied literally, selects nothing here.
    assert.equal(runCheck(selectsNothing, `${fixed}---\n${check.fix.yaml.split('---\n')[1]}`).length, 1);
  });

  it('names the Service of the input that already sends the port to the pods instead of adding one', () => {
    const lb = `${EDGE}---
apiVersion: v1
kind: Service
metadata: {name: edge-lb, namespace: shop}
spec:
  type: LoadBalancer
  selector: {app: edge}
  ports: [{name: https, port: 443, targetPort: https}]
`;
    const [f] = runCheck(check, lb);
    assert.doesNotMatch(f.fix!, /kubectl apply/);
    assert.match(f.fix!, /^Remove hostPort 443 \("https"\) of container "proxy" \(the YAML\): Service "edge-lb" \(type LoadBalancer\) already sends 8443 to these pods, so clients reach them there \(from outside the cluster through its load balancer, instead of :443 of the node that runs a pod\)\. To keep the hostPort instead/);
    assert.doesNotMatch(f.fix!, /ClusterIP/);
    // A ClusterIP Service that covers it: named, with the caveat for external clients.
    const [g] = runCheck(check, lb.replace('type: LoadBalancer', 'type: ClusterIP'));
    assert.match(g.fix!, /Service "edge-lb" \(type ClusterIP\) already sends 8443 to these pods.*A ClusterIP Service \(the default type\) is reachable only from inside the cluster/);
    // A Service on another port, or of another namespace, does not count: one is given.
    assert.match(runCheck(check, lb.replace('targetPort: https', 'targetPort: admin'))[0].fix!, /kubectl apply -f -/);
    assert.match(runCheck(check, lb.replace('name: edge-lb, namespace: shop', 'name: edge-lb, namespace: other'))[0].fix!, /kubectl apply -f -/);
  });

  it('a Service of the input covers one of two ports: a Service for the other one only', () => {
    const two = EDGE.replace('        - {name: admin, containerPort: 9901}', '        - {name: admin, containerPort: 9901, hostPort: 9901}') + `---
apiVersion: v1
kind: Service
metadata: {name: edge-https, namespace: shop}
spec:
  selector: {app: edge}
  ports: [{port: 443, targetPort: 8443}]
`;
    const [f] = runCheck(check, two);
    assert.deepEqual(serviceOf(f.fix!).spec.ports, [{ port: 9901, targetPort: 'admin' }]);
    assert.equal(serviceOf(f.fix!).metadata.name, 'edge');
    assert.match(f.fix!, /^Remove hostPort 443 \("https"\) and 9901 \("admin"\) of container "proxy" \(the YAML\) and reach the pods on 9901 through a Service .*; Service "edge-https" \(type ClusterIP\) already sends 8443 to these pods, so clients reach them there\. A ClusterIP Service/);
    const { after, fixed } = applyFixes(check, two);
    assert.deepEqual(after, [], fixed);
  });

  it('a Service name that is taken in the namespace gets a suffix', () => {
    const taken = `${EDGE}---
apiVersion: v1
kind: Service
metadata: {name: edge, namespace: shop}
spec:
  selector: {app: other}
  ports: [{port: 80}]
`;
    assert.equal(serviceOf(runCheck(check, taken)[0].fix!).metadata.name, 'edge-ports');
  });

  it('names unnamed ports by protocol and number, and keeps UDP', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: dns}
spec:
  selector: {matchLabels: {app: dns}}
  template:
    metadata: {labels: {app: dns}}
    spec:
      containers:
      - name: dns
        image: registry.example.com/dns:1.0
        ports:
        - {containerPort: 5353, hostPort: 53, protocol: UDP}
        - {containerPort: 5353, hostPort: 53, protocol: TCP, hostIP: 10.0.0.1}
`;
    const [f] = runCheck(check, text);
    const svc = serviceOf(f.fix!);
    assert.deepEqual(svc.metadata, { name: 'dns' });
    assert.deepEqual(svc.spec.ports, [
      { name: 'udp-5353', port: 5353, targetPort: 5353, protocol: 'UDP' },
      { name: 'tcp-5353', port: 5353, targetPort: 5353 },
    ]);
    // The hostIP goes with the hostPort.
    assert.match(f.fixYaml!, /hostPort: null {3}# removed\n {10}protocol: TCP\n {10}hostIP: null$/m);
    const { after, fixed } = applyFixes(check, text);
    assert.deepEqual(after, [], fixed);
    // A list of unnamed ports is replaced whole: the nulls stay, which the API server reads as unset.
    const ports = (yaml.load(fixed) as any).spec.template.spec.containers[0].ports;
    assert.deepEqual(ports.map((p: any) => [p.hostPort ?? 0, p.hostIP ?? '']), [[0, ''], [0, '']]);
  });

  it('a DaemonSet: the Service keeps node-local delivery, and a node agent may keep its hostPort with an exemption', async () => {
    const ds = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: statsd, namespace: monitoring}
spec:
  selector: {matchLabels: {app: statsd}}
  template:
    metadata: {labels: {app: statsd, controller-revision-hash: abc}}
    spec:
      containers:
      - name: agent
        image: registry.example.com/statsd:1.0
        ports: [{name: statsd, containerPort: 8125, hostPort: 8125, protocol: UDP}]
`;
    const [f] = runCheck(check, ds);
    assert.deepEqual(serviceOf(f.fix!).spec, { selector: { app: 'statsd' }, internalTrafficPolicy: 'Local', ports: [{ port: 8125, targetPort: 'statsd', protocol: 'UDP' }] });
    assert.match(f.fix!, /internalTrafficPolicy: Local: a client pod reaches the agent on its own node, as it did through the hostPort/);
    assert.match(f.fix!, /If DaemonSet "statsd" is a node agent that must listen on each node's own IP \(pods that send to status.hostIP, an ingress controller on the nodes' ports\), keep the hostPort instead: run it in a namespace that holds only node agents/);
    assert.doesNotMatch(f.fix!, /replicas/);
    const line = exemptionOf(f.fix!);
    assert.equal(line, 'exemptions: [{checks: [host-ports], kinds: [DaemonSet], namespaces: [monitoring], names: [statsd], reason: "node agent: listens on :8125 of each node\'s IP (hostPort); runs in a namespace with pod-security.kubernetes.io/enforce: privileged"}]');
    // The exemption, written in .kubeready.yaml, exempts this finding and no other object's.
    const config = await parseConfig(line, '.kubeready.yaml', allChecks);
    const other = ds.replace('name: statsd, namespace: monitoring', 'name: other, namespace: monitoring');
    const resources = loadText(`${ds}---\n${other}`, 'x.yaml', loadPlan([check])).resources;
    const found = audit({ resources }, { checks: [check], config }).verdicts.flatMap((v) => v.findings);
    assert.deepEqual(found.map((x) => `${x.object.name}: ${x.exempted ? 'exempted' : 'reported'}`).sort(), ['other: reported', 'statsd: exempted']);
  });

  it('a namespace-less manifest: the exemption names no namespace, and the fix says to give it one', () => {
    const [f] = runCheck(check, EDGE.replace('name: edge, namespace: shop', 'name: edge'));
    assert.equal(serviceOf(f.fix!).metadata.namespace, undefined);
    assert.match(exemptionOf(f.fix!), /^exemptions: \[\{checks: \[host-ports\], kinds: \[Deployment\], names: \[edge\], reason: /);
    assert.match(f.fix!, /run it in a namespace of its own \(the manifest sets no metadata.namespace\)/);
    // -n says where it lands: that namespace.
    const [g] = runCheck(check, EDGE.replace('name: edge, namespace: shop', 'name: edge'), { namespace: 'edge-ns' });
    assert.match(exemptionOf(g.fix!), /namespaces: \[edge-ns\]/);
    assert.equal(serviceOf(g.fix!).metadata.namespace, 'edge-ns');
  });

  it('a bare Pod without labels: the YAML says how a Pod is changed, the text says which label to add for the Service', () => {
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: tomcat}
spec:
  containers:
  - name: tomcat
    image: tomcat:10
    ports: [{containerPort: 8080, hostPort: 8001}]
`;
    const [f] = runCheck(check, pod);
    assert.match(f.fixYaml!, /^# a Pod's spec cannot change once created: apply with kubectl replace --force/);
    assert.match(f.fix!, /through a Service; the Pod has no labels to select, so first add \{app.kubernetes.io\/name: tomcat\} to its metadata.labels/);
    assert.deepEqual(serviceOf(f.fix!).spec, { selector: { 'app.kubernetes.io/name': 'tomcat' }, ports: [{ port: 8080, targetPort: 8080 }] });
    // With that label and the Service, the Service selects the Pod.
    const { after, fixed } = applyFixes(check, pod);
    assert.deepEqual(after, []);
    const labelled = fixed.replace('name: tomcat\nspec', 'name: tomcat\n  labels:\n    app.kubernetes.io/name: tomcat\nspec');
    assert.notEqual(labelled, fixed);
    assert.deepEqual(runCheck(selectsNothing, `${labelled}---\n${yaml.dump(serviceOf(f.fix!))}`), []);
  });

  it('one finding per container, each with its own ports; an init container too', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: two}
spec:
  selector: {matchLabels: {app: two}}
  template:
    metadata: {labels: {app: two}}
    spec:
      initContainers:
      - name: side
        image: registry.example.com/side:1.0
        restartPolicy: Always
        ports: [{name: metrics, containerPort: 9090, hostPort: 9090}]
      containers:
      - name: app
        image: registry.example.com/app:1.0
        ports: [{name: http, containerPort: 8080, hostPort: 80}]
`;
    const found = runCheck(check, text);
    assert.deepEqual(found.map((f) => [f.container, serviceOf(f.fix!).spec.ports]), [
      ['side', [{ port: 9090, targetPort: 'metrics' }]],
      ['app', [{ port: 8080, targetPort: 'http' }]],
    ]);
    assert.match(found[0].fixYaml!, /^ {6}initContainers:\n {6}- name: side\n/m);
    const { after, fixed } = applyFixes(check, text);
    assert.deepEqual(after, [], fixed);
  });

  it('is still silent where it was: hostPort 0, no hostPort, a host-network pod', () => {
    const text = (ports: string, extra = '') => `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:${extra}
  containers:
  - name: a
    image: a:1
    ports: ${ports}
`;
    assert.deepEqual(runCheck(check, text('[{containerPort: 80, hostPort: 0}]')), []);
    assert.deepEqual(runCheck(check, text('[{containerPort: 80}]')), []);
    assert.deepEqual(runCheck(check, text('[{containerPort: 80, hostPort: 80}]', '\n  hostNetwork: true')), []);
  });
});
