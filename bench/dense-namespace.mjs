#!/usr/bin/env node
// Writes one namespace with N workloads (default 4,000) and the objects around them, selectors
// overlapping the way generic labels do in a big shared namespace: every workload carries
// app=web and one of ten tiers, Services and PodDisruptionBudgets select a tier, NetworkPolicies two
// tiers (matchExpressions), ServiceMonitors a tier, plus HPAs, ConfigMaps, PVCs and one RoleBinding
// for every ServiceAccount of the namespace. Checks that compare every object of a namespace with
// every other show up here first (npm run bench, "dense namespace" row).
// Usage: node bench/dense-namespace.mjs [N] > file.yaml
const n = Number(process.argv[2] ?? 4000);
const out = [];
for (let i = 0; i < n; i++) {
  const tier = i % 10;
  out.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${i}, namespace: shop, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web, tier: "t${tier}", id: "i${i}"}}
  template:
    metadata: {labels: {app: web, tier: "t${tier}", id: "i${i}"}}
    spec:
      serviceAccountName: sa-${i % 7}
      volumes: [{name: cfg, configMap: {name: cm-${i}}}, {name: data, persistentVolumeClaim: {claimName: pvc-${i % 13}}}]
      containers:
        - name: main
          image: registry.example.com/app:${i}
          ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}]
          resources: {requests: {cpu: 100m, memory: 128Mi}}
          env: [{name: DB_PASSWORD, value: hunter${i}}]
`);
  if (i % 2 === 0) out.push(`apiVersion: v1
kind: Service
metadata: {name: svc-${i}, namespace: shop}
spec:
  selector: {app: web, tier: "t${tier}"}
  ports: [{port: 80, targetPort: http}]
`);
  if (i % 3 === 0) out.push(`apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: pdb-${i}, namespace: shop}
spec: {minAvailable: 1, selector: {matchLabels: {tier: "t${tier}"}}}
`);
  if (i % 4 === 0) out.push(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np-${i}, namespace: shop}
spec:
  podSelector: {matchExpressions: [{key: tier, operator: In, values: ["t${tier}", "t${(tier + 1) % 10}"]}]}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]
`);
  if (i % 5 === 0) out.push(`apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: sm-${i}, namespace: shop}
spec: {selector: {matchLabels: {tier: "t${tier}"}}, endpoints: [{port: metrics}]}
`);
  if (i % 6 === 0) out.push(`apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: hpa-${i}, namespace: shop}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: app-${i}}, minReplicas: 2, maxReplicas: 5}
`);
  if (i % 7 === 0) out.push(`apiVersion: v1
kind: ConfigMap
metadata: {name: cm-${i}, namespace: shop}
data: {a: b}
`);
  if (i % 13 === 0) out.push(`apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: pvc-${i % 13}, namespace: shop}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`);
}
out.push(`apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: shop}
subjects: [{kind: Group, name: "system:serviceaccounts:shop"}]
roleRef: {kind: ClusterRole, name: edit, apiGroup: rbac.authorization.k8s.io}
`);
process.stdout.write(out.join('---\n'));
