/** The cost envelope in the report: per workload, per namespace and in all, priced from config. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadText } from '../../src/sources/resources.js';
import { audit, loadPlan } from '../../src/engine/audit.js';
import { allChecks } from '../../src/checks/index.js';
import { emptyConfig } from '../../src/engine/config.js';

const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: app
        image: api:1.0
        resources:
          requests: {cpu: 500m, memory: 1Gi}
          limits: {cpu: "1", memory: 1Gi}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 2
  maxReplicas: 10
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: api-6d4f
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: api, uid: x, controller: true}]
spec:
  replicas: 2
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: app
        image: api:1.0
        resources:
          requests: {cpu: 500m, memory: 1Gi}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: front}
spec:
  replicas: 1
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: web:1.0
        resources:
          requests: {cpu: "1", memory: 2Gi}
`;

describe('cost in the report', () => {
  const loaded = loadText(yaml, 'app.yaml', loadPlan(allChecks));
  it('gives each workload its envelope and sums namespaces without counting controller-owned copies', () => {
    const config = emptyConfig();
    config.cost = { cpuPerHour: 0.1, memoryGiBPerHour: 0.01, currency: 'EUR', hoursPerMonth: 100 };
    const r = audit({ resources: loaded.resources }, { checks: allChecks, config });
    const api = r.verdicts.find((v) => v.object.name === 'api' && v.object.kind === 'Deployment');
    assert.ok(api?.cost);
    assert.deepEqual(api.cost.replicas, { now: 2, min: 2, max: 10 });
    assert.deepEqual(api.cost.requests.now, { cpu: 1, memory: 2 * 2 ** 30 });
    assert.deepEqual(api.cost.limitsAtMax, { cpu: 10, memory: 10 * 2 ** 30 });
    // (1 core x 0.1 + 2 GiB x 0.01) x 100 h = 12 now; x5 at the ceiling.
    assert.ok(Math.abs(api.cost.monthly!.now - 12) < 1e-9);
    assert.ok(Math.abs(api.cost.monthly!.max! - 60) < 1e-9);
    assert.equal(api.cost.currency, 'EUR');
    assert.match(api.cost.text, /x2 replicas \(2-10 by HorizontalPodAutoscaler "api"\)/);
    assert.equal(r.verdicts.some((v) => v.object.kind === 'ReplicaSet'), false);
    assert.ok(r.cost);
    assert.deepEqual(r.cost.namespaces.map((n) => n.namespace), ['front', 'shop']);
    const shop = r.cost.namespaces.find((n) => n.namespace === 'shop')!;
    assert.equal(shop.running?.workloads, 1, 'the ReplicaSet owned by the Deployment is not counted again');
    assert.equal(r.cost.total.running?.workloads, 2);
    // front: (1 x 0.1 + 2 x 0.01) x 100 = 12; total now 24.
    assert.ok(Math.abs(r.cost.total.running!.monthly!.now - 24) < 1e-9);
    assert.equal(r.cost.prices.currency, 'EUR');
  });

  it('uses the documented default prices without config', () => {
    const r = audit({ resources: loaded.resources }, { checks: allChecks });
    assert.equal(r.cost?.prices.currency, 'USD');
    assert.equal(r.cost?.prices.hoursPerMonth, 730);
  });

  it('is null without workloads', () => {
    const only = loadText('apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n', 's.yaml');
    assert.equal(audit({ resources: only.resources }, { checks: allChecks }).cost, null);
  });
});

describe('cost in the text report', () => {
  it('prints the total and, with several namespaces, the costliest ones with their ceilings', async () => {
    const { renderText } = await import('../../src/report/text.js');
    const loaded = loadText(yaml, 'app.yaml', loadPlan(allChecks));
    const config = emptyConfig();
    config.cost = { cpuPerHour: 0.1, memoryGiBPerHour: 0.01, currency: 'EUR', hoursPerMonth: 100 };
    const text = renderText(audit({ resources: loaded.resources }, { checks: allChecks, config }), { color: false });
    assert.match(text, /requested capacity: about EUR 24\.00\/month \(EUR 24\.00 at autoscaler floors, EUR 72\.00 at ceilings\)/);
    assert.match(text, /by namespace: shop EUR 12\.00 \(up to EUR 60\.00\) · front EUR 12\.00/);
    assert.match(text, /cost {13}per pod 500m CPU, 1Gi memory; x2 replicas \(2-10 by HorizontalPodAutoscaler "api"\)/);
  });

  it('names the per-node cost of DaemonSets and the per-run cost of Jobs on lines of their own', async () => {
    const { renderText } = await import('../../src/report/text.js');
    const extra = `---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: shop}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: agent:1, resources: {requests: {cpu: "1", memory: 1Gi}}}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: shop}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: migrate:1, resources: {requests: {cpu: "2", memory: 2Gi}}}]
`;
    const loaded = loadText(yaml + extra, 'app.yaml', loadPlan(allChecks));
    const config = emptyConfig();
    config.cost = { cpuPerHour: 0.1, memoryGiBPerHour: 0.01, currency: 'EUR', hoursPerMonth: 100 };
    const text = renderText(audit({ resources: loaded.resources }, { checks: allChecks, config }), { color: false });
    // The running total is unchanged by them: 24 as above.
    assert.match(text, /requested capacity: about EUR 24\.00\/month/);
    // DaemonSet: (1 x 0.1 + 1 x 0.01) x 100 per node; Job: 2 x 0.1 + 2 x 0.01 per hour of a run.
    assert.match(text, /^ {2}plus on every node: about EUR 11\.00\/month \(1 DaemonSet\)$/m);
    assert.match(text, /^ {2}plus while batch workloads run: about EUR 0\.22\/hour \(1 batch workload, one run each\)$/m);
    // A run that costs less than a cent an hour is not "EUR 0.00".
    const tiny = loadText(yaml + extra.replace('cpu: "2", memory: 2Gi', 'cpu: 10m, memory: 16Mi'), 'app.yaml', loadPlan(allChecks));
    const small = renderText(audit({ resources: tiny.resources }, { checks: allChecks, config }), { color: false });
    assert.match(small, /^ {2}plus while batch workloads run: under EUR 0\.01\/hour \(1 batch workload, one run each\)$/m);
  });
});
