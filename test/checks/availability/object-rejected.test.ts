import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check, { portNameError } from '../../../src/checks/availability/object-rejected.js';
import { cronScheduleError } from '../../../src/model/cron.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import hpaTargetMissing from '../../../src/checks/availability/hpa-target-missing.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';

describe('object-rejected', () => {
  it('Service: unnamed ports among several, duplicates, a nodePort on ClusterIP, with what to do', () => {
    const found = expectFindings(
      check,
      `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
  - port: 80
  - {name: metrics, port: 9090, nodePort: 30090}
  - {name: metrics, port: 80, targetPort: PORT}
`,
      [
        { line: 7, message: 'port 1 of 3 has no name (a Service with several ports must name each one): kubectl apply, server-side apply and helm install reject the Service (spec.ports[0].name: Required value)' },
        { line: 8, message: /^a nodePort on a Service of type ClusterIP \(the default\): .*\(spec\.ports\[1\]\.nodePort: Forbidden: may not be used when `type` is 'ClusterIP'\)$/ },
        { line: 9, message: /^ports 1 and 2 are both named "metrics": .*Duplicate value: "metrics"\)$/ },
        { line: 9, message: /^targetPort "PORT" \(a placeholder left to replace before applying\?\) is not a port name .*must contain only alpha-numeric characters/ },
        { line: 9, message: /^port 80\/TCP is listed twice: .*\(spec\.ports\[2\]: Duplicate value: \{"Name":"","Protocol":"TCP","AppProtocol":null,"Port":80,"TargetPort":0,"NodePort":0\}\)$/ },
      ],
    );
    assert.match(found[1].fix!, /set spec\.type: NodePort/);
  });

  it('Ingress: pathType, relative paths, backends, hosts', () => {
    const found = expectFindings(
      check,
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  rules:
  - host: Shop.Example.com
    http:
      paths:
      - path: /
        backend: {service: {name: web, port: {number: 80}}}
      - path: api
        pathType: prefix
        backend: {service: {name: api}}
`,
      [
        { line: 6, message: /^host "Shop\.Example\.com" is not a lowercase DNS name: / },
        { line: 9, message: /^a path without pathType \(networking\.k8s\.io\/v1 requires one; v1beta1 defaulted it\): .*\(spec\.rules\[0\]\.http\.paths\[0\]\.pathType: Required value: pathType must be specified\)$/ },
        { line: 11, message: 'path "api" does not start with "/"' },
        { line: 12, message: 'pathType "prefix" is not one of Exact, Prefix, ImplementationSpecific' },
        { line: 13, message: /^a service backend without a port: .*\(spec\.rules\[0\]\.http\.paths\[1\]\.backend: Required value: port name or number is required\)$/ },
      ],
    );
    assert.equal(found[0].fix, 'Write spec.rules[0].host in lower case ("shop.example.com"): DNS names are matched case-insensitively anyway.');
    assert.match(found.find((f) => f.message.startsWith('pathType'))!.fix!, /as Prefix \(the values are case-sensitive\)/);
  });

  it('CronJob schedules the API server\'s cron parser refuses, with the fix for each usual cause', () => {
    const cron = (s: string) => `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n  schedule: ${JSON.stringify(s)}\n  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: a, image: "registry.example/a:1.0"}]}}}}\n`;
    const [sunday] = expectFindings(check, cron('0 3 * * 7'), [{ line: 5, message: 'the schedule uses 7 for Sunday, which this cron parser does not accept: kubectl apply, server-side apply and helm install reject the CronJob (spec.schedule: Invalid value: "0 3 * * 7": end of range (7) above maximum (6): 7)' }]);
    assert.equal(sunday.fix, 'Write Sunday as 0 (or SUN) in the day-of-week field.');
    const [secs] = expectFindings(check, cron('0 */5 * * * *'), [{ line: 5, message: /six fields .*expected exactly 5 fields, found 6: \[0 \*\/5 \* \* \* \*\]\)$/ }]);
    assert.match(secs.fix!, /Drop the first \(seconds\) field/);
    const [tz] = expectFindings(check, cron('CRON_TZ=Europe/Berlin 0 3 * * *'), [{ line: 5, message: /cannot use TZ or CRON_TZ in schedule, use timeZone field instead\)$/ }]);
    assert.match(tz.fix!, /timeZone: "Europe\/Berlin"/);
    for (const ok of ['*/5 * * * MON-FRI', '0 0 ? * *', '@daily', '@every 1h30m', '0 9-17/2 * * 1-5', '{{ .Values.schedule }}']) expectNone(check, cron(ok));
  });

  it('the cron parser\'s own words', () => {
    assert.equal(cronScheduleError('0 0 0 * *'), 'beginning of range (0) below minimum (1): 0');
    assert.equal(cronScheduleError('10-5 * * * *'), 'beginning of range (10) beyond end of range (5): 10-5');
    assert.equal(cronScheduleError('*/0 * * * *'), 'step of range should be a positive number: */0');
    assert.equal(cronScheduleError('@fortnightly'), 'unrecognized descriptor: @fortnightly');
    assert.equal(cronScheduleError('@every 5'), 'failed to parse duration @every 5: time: missing unit in duration "5"');
    assert.equal(cronScheduleError('0 0 1 JAN,jul *'), null);
  });

  it('port names as the API server checks them', () => {
    assert.equal(portNameError('http'), null);
    assert.equal(portNameError('metrics-endpoint-http'), 'must be no more than 15 characters');
    assert.equal(portNameError('123'), 'must contain at least one letter (a-z)');
    assert.equal(portNameError('a--b'), 'must not contain consecutive hyphens');
    assert.equal(portNameError('-abc'), 'must not begin or end with a hyphen');
  });

  it('autoscalers: maxReplicas missing or below the minimum', () => {
    expectFindings(
      check,
      `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: a}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 2}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: b}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 5, maxReplicas: 3}
`,
      [
        { line: 4, message: /^no maxReplicas \(it has no default\): .*spec\.maxReplicas: Required value\)$/ },
        { line: 9, message: /^maxReplicas 3 is below minReplicas 5: / },
      ],
    );
  });

  it('autoscaler targets: a group in the kind, a namespace in the name, no kind; hpa-target-missing leaves them to this check', () => {
    const yaml = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: a}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: apps/Deployment, name: shop/web}
  maxReplicas: 3
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: b}
spec:
  scaleTargetRef: {apiVersion: apps/v1, name: web}
  maxReplicas: 3
`;
    const fs = runCheck(check, yaml);
    assert.deepEqual(
      fs.map((f) => [f.location.line, f.message.replace(/: kubectl apply.*/, ''), f.fix]),
      [
        [5, 'scaleTargetRef.kind "apps/Deployment" cannot name an object', 'Write scaleTargetRef.kind as the kind alone (Deployment) and its group in apiVersion (apps/v1).'],
        [5, 'scaleTargetRef.name "shop/web" cannot name an object', "Write scaleTargetRef.name as the workload's name alone (the namespace is the HPA's own)."],
        [12, 'scaleTargetRef without a kind', 'Set scaleTargetRef.kind to the kind of the workload to scale (Deployment, StatefulSet, ...).'],
      ],
    );
    assert.deepEqual(runCheck(hpaTargetMissing, yaml).map((f) => f.message), []);
  });

  it('autoscaler metrics and behavior: the source the type reads, target types and numbers, policies; with what to write', () => {
    const fs = runCheck(
      check,
      `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: a}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  metrics:
  - type: Resource
    pods:
      metric: {name: rps}
      target: {type: AverageValue, averageValue: 10}
  - type: Resource
    resource:
      name: cpu
      target: {type: utilization, averageUtilization: 0}
  - type: Pods
    pods:
      metric: {name: rps}
      target: {type: Value, value: 10}
  behavior:
    scaleDown:
      policies: []
    scaleUp:
      selectPolicy: max
      policies:
      - {type: Percent, value: 100, periodSeconds: 3600}
`,
    );
    const got = fs.map((f) => [f.location.line, f.message.replace(/: kubectl apply.*/, '')]);
    assert.deepEqual(got, [
      [8, 'a Resource metric without its resource source (it has pods)'],
      [15, 'metric target type "utilization"'],
      [15, 'target averageUtilization 0 is not above 0'],
      [19, 'a Pods metric target without averageValue (value is not read for Pods metrics)'],
      [22, 'scaleDown has an empty policies list'],
      [24, 'scaleUp selectPolicy "max"'],
      [26, 'a scaleUp policy with periodSeconds 3600, above 30 minutes'],
    ]);
    assert.match(fs[1].fix ?? '', /Write type: Utilization/);
    assert.match(fs[5].fix ?? '', /Write selectPolicy: Max/);
    assert.match(fs[0].message, /\(spec\.metrics\[0\]\.resource: Required value: must populate information for the given metric source\)$/);
  });

  it('autoscaler metrics: valid ones, templated values, no target type checks on v2beta2, a patch file\'s missing parts are silent', () => {
    expectNone(
      check,
      `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: ok}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  metrics:
  - {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}
  - {type: Resource, resource: {name: memory, target: {type: Utilization, averageValue: 1Gi}}}
  - {type: Object, object: {metric: {name: hits}, describedObject: {kind: Service, name: web}, target: {type: Value, value: 10k}}}
  - {type: "{{ .Values.type }}", resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}
  - {type: Resource, resource: {name: cpu, target: {type: "\${TARGET_TYPE}", averageUtilization: "\${CPU}"}}}
  - {type: Pods, pods: {metric: {name: rps}, target: {type: AverageValue, averageValue: "{{ .Values.rps }}"}}}
  behavior:
    scaleUp: {selectPolicy: Disabled}
    scaleDown: {stabilizationWindowSeconds: 0, policies: [{type: Pods, value: 1, periodSeconds: 1800}]}
---
apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata: {name: old}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  metrics: [{type: Resource, resource: {name: cpu, target: {type: utilization, averageUtilization: 0}}}]
`,
    );
    const patch = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: p}
spec:
  metrics: [{type: Resource, resource: {name: cpu}}]
`;
    assert.deepEqual(runCheck(check, patch, { file: 'overlays/prod/hpa-patch.yaml' }).map((f) => f.message), []);
    assert.equal(runCheck(check, patch).length, 3, 'a plain file: no maxReplicas, no target type, no target number');
  });

  it('does not fire on valid objects, templated values, what a kustomize patch leaves to its base, or other versions', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: Service
metadata: {name: dns}
spec: {selector: {app: dns}, ports: [{name: dns, port: 53, protocol: UDP}, {name: dns-tcp, port: 53}]}
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {clusterIP: None, selector: {app: db}}
---
apiVersion: v1
kind: Service
metadata: {name: t}
spec: {selector: {app: t}, ports: [{name: "{{ .Values.name }}", port: 80}, {name: b, port: "{{ .Values.port }}"}]}
---
apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata: {name: old}
spec: {rules: [{http: {paths: [{path: api, backend: {serviceName: web, servicePort: 80}}]}}]}
`,
    );
    // Neither ports nor a selector: a patch that sets the type (GKE's whereami overlays), wherever it is.
    expectNone(check, 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: ClusterIP}\n');
    const patch = 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: LoadBalancer, selector: {app: web}}\n';
    assert.equal(runCheck(check, patch).length, 1, 'a plain file: a Service with a selector and no ports');
    const loaded = loadText(patch, 'overlays/prod/service-patch.yaml', loadPlan([check]));
    assert.deepEqual(audit({ resources: loaded.resources, problems: [] }, { checks: [check] }).verdicts.flatMap((v) => v.findings), []);
  });

  it('ConfigMap keys, claims without size or access modes, a Recreate Deployment with rollingUpdate', () => {
    const found = expectFindings(
      check,
      `apiVersion: v1
kind: ConfigMap
metadata: {name: conf}
data:
  config/app.yaml: "a: 1"
  ok.key_1-2: fine
binaryData: {ok.key_1-2: eA==}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec: {storageClassName: standard}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  strategy: {type: Recreate, rollingUpdate: {maxSurge: 1}}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "registry.example/web:1.0"}]}
`,
      [
        { line: 5, message: /^key "config\/app\.yaml" is not a valid ConfigMap key .*\(data\[config\/app\.yaml\]: Invalid value: "config\/app\.yaml": a valid config key must consist of/ },
        { line: 6, message: /^key "ok\.key_1-2" is in both data and binaryData: .*duplicate of key present in binaryData\)$/ },
        { line: 12, message: /^no accessModes: .*spec\.accessModes: Required value: at least 1 access mode is required\)$/ },
        { line: 12, message: /^no storage request \(the size of the volume\): .*spec\.resources\[storage\]: Required value\)$/ },
        { line: 18, message: /^a Recreate strategy with rollingUpdate settings: .*may not be specified when strategy `type` is 'Recreate'\)$/ },
      ],
    );
    assert.match(found[0].fix!, /items: \[\{key: "config_app\.yaml", path: "config\/app\.yaml"\}\]/);
    // A kustomize patch of a claim (a new size) leaves the rest to its base.
    const patch = 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec: {resources: {requests: {storage: 20Gi}}}\n';
    assert.equal(runCheck(check, patch).length, 1);
    const loaded = loadText(patch, 'overlays/prod/pvc-patch.yaml', loadPlan([check]));
    assert.deepEqual(audit({ resources: loaded.resources, problems: [] }, { checks: [check] }).verdicts.flatMap((v) => v.findings), []);
  });

  it('protocols and NetworkPolicy ports and blocks, with the corrected value', () => {
    const found = expectFindings(
      check,
      `apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{name: http, port: 80, protocol: tcp}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web}
spec:
  podSelector: {}
  policyTypes: [ingress]
  ingress:
  - from: [{ipBlock: {cidr: 10.0.0.5/8}}, {ipBlock: {cidr: "2001:db8::1/64"}}, {ipBlock: {cidr: "\${OFFICE_CIDR}"}}]
    ports: [{port: 8080, protocol: Tcp}]
`,
      [
        { line: 4, message: /^protocol "tcp" is not TCP, UDP or SCTP: .*spec\.ports\[0\]\.protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"\)$/ },
        { line: 11, message: /^policy type "ingress" is not Ingress or Egress: / },
        { line: 13, message: /^cidr "10\.0\.0\.5\/8" has host bits set: .*must not have bits set beyond the prefix length\)$/ },
        { line: 13, message: /^cidr "2001:db8::1\/64" has host bits set: .*\(spec\.ingress\[0\]\.from\[1\]\.ipBlock\.cidr: Invalid value: "2001:db8::1\/64": must not have bits set beyond the prefix length\)$/ },
        { line: 14, message: /^protocol "Tcp" is not TCP, UDP or SCTP: .*supported values: "TCP", "UDP", "SCTP"\)$/ },
      ],
    );
    assert.equal(found[0].fix, 'Write spec.ports[0].protocol as TCP (case-sensitive).');
    assert.equal(found[1].fix, 'Write spec.policyTypes[0] as Ingress (case-sensitive).');
    assert.equal(found[2].fix, 'Write spec.ingress[0].from[0].ipBlock.cidr as 10.0.0.0/8 (the network it means), or as 10.0.0.5/32 for the one address.');
    assert.equal(found[3].fix, 'Write spec.ingress[0].from[1].ipBlock.cidr as 2001:db8::/64 (the network it means), or as 2001:db8::1/128 for the one address.');
  });

  it('rollouts: a Deployment number above 100% and one not a percentage, a DaemonSet maxSurge beside the default maxUnavailable, a StatefulSet policy in the wrong case', () => {
    const found = expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  strategy:
    rollingUpdate: {maxUnavailable: "150%", maxSurge: "10 percent"}
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: "registry.example/web:1.0"}]}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  updateStrategy:
    rollingUpdate: {maxSurge: 1}
  selector: {matchLabels: {app: agent}}
  template: {metadata: {labels: {app: agent}}, spec: {containers: [{name: agent, image: "registry.example/agent:1.0"}]}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  podManagementPolicy: parallel
  serviceName: db.headless
  selector: {matchLabels: {app: db}}
  template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db, image: "registry.example/db:1.0"}]}}
`,
      [
        { line: 6, message: /^maxSurge "10 percent" is neither a number nor a percentage: .*\(spec\.strategy\.rollingUpdate\.maxSurge: Invalid value: "10 percent": a valid percent string must be/ },
        { line: 6, message: /^maxUnavailable is 150%: .*\(spec\.strategy\.rollingUpdate\.maxUnavailable: Invalid value: "150%": must not be greater than 100%\)$/ },
        { line: 15, message: /^maxSurge is set while maxUnavailable is left at its default, 1 .*\(spec\.updateStrategy\.rollingUpdate\.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero\)$/ },
        { line: 23, message: /\(spec\.podManagementPolicy: Invalid value: "parallel": must be 'OrderedReady' or 'Parallel'\)$/ },
        { line: 24, message: /^serviceName "db\.headless" is not a Service name .*\(spec\.serviceName: Invalid value: "db\.headless": must not contain dots\)$/ },
      ],
    );
    assert.match(found[2].fix!, /set maxUnavailable: 0 beside maxSurge/);
    assert.equal(found[3].fix, 'Write podManagementPolicy: Parallel (the value is case-sensitive).');
  });

  it('budgets: a negative number, above 100%, not a percentage; valid ones, templates and both numbers (pdb-blocks-eviction) are silent here', () => {
    expectFindings(
      check,
      `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: a}
spec:
  minAvailable: 1
  maxUnavailable: "150%"
  selector: {matchLabels: {app: a}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: b}
spec:
  minAvailable: -1
  selector: {matchLabels: {app: b}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: c}
spec:
  maxUnavailable: "50"
  selector: {matchLabels: {app: c}}
`,
      [
        { line: 6, message: /\(spec\.maxUnavailable: Invalid value: "150%": must not be greater than 100%\)$/ },
        { line: 13, message: /\(spec\.minAvailable: Invalid value: -1: must be greater than or equal to 0\)$/ },
        { line: 20, message: /^maxUnavailable "50" is neither a number nor a percentage: .*a valid percent string must be a numeric string followed by an ending '%'/ },
      ],
    );
    expectNone(
      check,
      `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: d}
spec:
  minAvailable: "100%"
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector: {matchLabels: {app: d}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: e}
spec:
  maxUnavailable: "{{ .Values.maxUnavailable }}"
  selector: {matchLabels: {app: e}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: f}
spec:
  strategy: {rollingUpdate: {maxUnavailable: 0}}
  selector: {matchLabels: {app: f}}
  template: {metadata: {labels: {app: f}}, spec: {containers: [{name: f, image: "registry.example/f:1.0"}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: g}
spec:
  strategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 0}}
  selector: {matchLabels: {app: g}}
  template: {metadata: {labels: {app: g}}, spec: {containers: [{name: g, image: "registry.example/g:1.0"}]}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: h}
spec: {minAvailable: 1, maxUnavailable: 1, selector: {matchLabels: {app: h}}}
`,
    );
  });

  it('Services: type, traffic policies and affinity values; type-dependent fields not judged in patches', () => {
    const found = expectFindings(
      check,
      `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80}]
  externalTrafficPolicy: Local
  sessionAffinity: clientIp
---
apiVersion: v1
kind: Service
metadata: {name: lb}
spec:
  type: Loadbalancer
  selector: {app: web}
  ports: [{name: http, port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: patch}
spec:
  externalTrafficPolicy: Local
`,
      [
        { line: 7, message: /^externalTrafficPolicy on a Service of type ClusterIP \(the default\), which takes no traffic from outside the cluster: .*\(spec\.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services\)$/ },
        { line: 8, message: /\(spec\.sessionAffinity: Unsupported value: "clientIp": supported values: "ClientIP", "None"\)$/ },
        { line: 14, message: /^Service type "Loadbalancer": .*\(spec\.type: Unsupported value: "Loadbalancer": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"\)$/ },
      ],
    );
    assert.equal(found[1].fix, 'Write sessionAffinity: ClientIP (the value is case-sensitive).');
    assert.equal(found[2].fix, 'Write type: LoadBalancer (the value is case-sensitive).');
  });

  it('Service addresses: source ranges without a prefix, with host bits or on a ClusterIP Service; IP families; templates and patches are silent', () => {
    const fs = runCheck(
      check,
      `apiVersion: v1
kind: Service
metadata: {name: lb}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 443}]
  loadBalancerSourceRanges: [203.0.113.5, " 198.51.100.0/24 ", 10.1.2.3/16, "{{ .Values.office }}"]
  ipFamilyPolicy: SingleStack
  ipFamilies: [IPv4, IPv6]
---
apiVersion: v1
kind: Service
metadata: {name: internal}
spec:
  selector: {app: web}
  ports: [{port: 80}]
  loadBalancerSourceRanges: [10.0.0.0/8]
  ipFamilies: [ipv4]
`,
    );
    assert.deepEqual(
      fs.map((f) => [f.location.line, f.message.replace(/: kubectl apply.*/, ''), f.fix]),
      [
        [8, 'source range "203.0.113.5" is not a CIDR (an address needs its prefix length)', 'Write 203.0.113.5/32 for the one address.'],
        [8, 'source range "10.1.2.3/16" has host bits set', 'Write 10.1.0.0/16 (the network it means), or 10.1.2.3/32 for the one address.'],
        [9, 'ipFamilyPolicy SingleStack with both IP families listed', 'Set ipFamilyPolicy: PreferDualStack (or RequireDualStack), or list one family in ipFamilies.'],
        [18, 'loadBalancerSourceRanges on a Service of type ClusterIP (the default), which has no load balancer to restrict', 'Remove spec.loadBalancerSourceRanges, or set type: LoadBalancer; to limit who reaches a Service inside the cluster, use a NetworkPolicy.'],
        [19, 'IP family "ipv4"', 'Write ipFamilies[0]: IPv4 (the value is case-sensitive).'],
      ],
    );
    assert.match(fs[0].message, /\(spec\.LoadBalancerSourceRanges\[0\]: Invalid value: "203\.0\.113\.5": must be a valid CIDR value, \(e\.g\. 10\.9\.8\.0\/24 or 2001:db8::\/64\)\)$/);
    const patch = 'apiVersion: v1\nkind: Service\nmetadata: {name: internal}\nspec: {selector: {app: web}, ports: [{port: 80}], loadBalancerSourceRanges: [10.0.0.0/8]}\n';
    assert.deepEqual(runCheck(check, patch, { file: 'overlays/prod/service-patch.yaml' }), []);
  });

  it('Jobs and CronJobs: numbers below 0, concurrencyPolicy; 0 is fine', () => {
    expectFindings(
      check,
      `apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "0 3 * * *"
  concurrencyPolicy: forbid
  successfulJobsHistoryLimit: -1
  jobTemplate:
    spec:
      backoffLimit: -1
      template: {spec: {restartPolicy: Never, containers: [{name: a, image: "registry.example/a:1.0"}]}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  backoffLimit: 0
  activeDeadlineSeconds: 0
  parallelism: -2
  template: {spec: {restartPolicy: Never, containers: [{name: a, image: "registry.example/a:1.0"}]}}
`,
      [
        { line: 6, message: /^concurrencyPolicy "forbid": .*supported values: "Allow", "Forbid", "Replace"\)$/ },
        { line: 7, message: /\(spec\.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0\)$/ },
        { line: 10, message: /\(spec\.jobTemplate\.spec\.backoffLimit: Invalid value: -1: must be greater than or equal to 0\)$/ },
        { line: 19, message: /^parallelism is negative \(-2\): .*\(spec\.parallelism: Invalid value: -2: must be greater than or equal to 0\)$/ },
      ],
    );
  });

  it('Jobs: completion mode, per-index retries, pod replacement policy; valid Indexed Jobs and templated modes are silent', () => {
    const T = 'template: {spec: {restartPolicy: Never, containers: [{name: a, image: "registry.example/a:1.0"}]}}';
    const fs = runCheck(
      check,
      `apiVersion: batch/v1
kind: Job
metadata: {name: a}
spec: {completionMode: indexed, ${T}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: b}
spec:
  backoffLimitPerIndex: 2
  podReplacementPolicy: TerminatingOrFailed
  podFailurePolicy: {rules: [{action: Ignore, onPodConditions: [{type: DisruptionTarget}]}]}
  ${T}
---
apiVersion: batch/v1
kind: Job
metadata: {name: c}
spec: {completionMode: Indexed, parallelism: 4, ${T}}
`,
    );
    assert.deepEqual(
      fs.map((f) => [f.location.line, f.message.replace(/: kubectl apply.*/, ''), f.fix]),
      [
        [4, 'completionMode "indexed"', 'Write completionMode: Indexed (the value is case-sensitive).'],
        [10, 'backoffLimitPerIndex on a Job that is not Indexed', 'Set completionMode: Indexed (with completions) for per-index retries, or use backoffLimit instead of backoffLimitPerIndex.'],
        [11, 'podReplacementPolicy "TerminatingOrFailed" with a podFailurePolicy (which allows only Failed)', 'Set podReplacementPolicy: Failed, or remove it (with a podFailurePolicy it defaults to Failed).'],
        [18, 'an Indexed Job without completions (the number of indexes)', 'Set completions: the number of indexes (0 to completions-1) the Job runs.'],
      ],
    );
    expectNone(
      check,
      `apiVersion: batch/v1
kind: Job
metadata: {name: ok}
spec: {completionMode: Indexed, ${T}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: ok2}
spec: {completionMode: Indexed, completions: 5, parallelism: 5, backoffLimitPerIndex: 1, maxFailedIndexes: 5, podReplacementPolicy: Failed, ${T}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: ok3}
spec: {completionMode: "{{ .Values.mode }}", backoffLimitPerIndex: 1, ${T}}
`,
    );
  });

  it('volumes: access modes, volume mode and reclaim policies in the wrong words', () => {
    const found = expectFindings(
      check,
      `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnly]
  volumeMode: filesystem
  resources: {requests: {storage: 1Gi}}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast}
provisioner: example.com/x
volumeBindingMode: waitForFirstConsumer
`,
      [
        { line: 5, message: /^access mode "ReadWriteOnly": .*\(spec\.accessModes: Unsupported value: "ReadWriteOnly": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"\)$/ },
        { line: 6, message: /\(spec\.volumeMode: Unsupported value: "filesystem": supported values: "Block", "Filesystem"\)$/ },
        { line: 13, message: /\(volumeBindingMode: Unsupported value: "waitForFirstConsumer": supported values: "Immediate", "WaitForFirstConsumer"\)$/ },
      ],
    );
    assert.equal(found[1].fix, 'Write volumeMode: Filesystem (the value is case-sensitive).');
  });

  it('does not run on a live scan (the API server accepted what it returns)', () => {
    const yaml = 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}, {port: 81}]}\n';
    const loaded = loadText(yaml, 'live', loadPlan([check]));
    assert.equal(audit({ resources: loaded.resources, problems: [] }, { checks: [check] }).verdicts.flatMap((v) => v.findings).length, 2);
    const live = audit({ resources: loaded.resources, problems: [], listedKinds: new Set(['Service']) }, { checks: [check] });
    assert.deepEqual(live.verdicts.flatMap((v) => v.findings), []);
  });
});
