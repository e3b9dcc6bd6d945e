import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/availability/value-type-mismatch.js';
import unknownField from '../../../src/checks/availability/unknown-field.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';

const deployment = (containerExtra: string, specExtra = '', podExtra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
${specExtra}  template:
    metadata: {labels: {app: web}}
    spec:
${podExtra}      containers:
      - name: web
        image: registry.example/web:1.0
${containerExtra}`;

describe('value-type-mismatch', () => {
  it('fires on a quoted number or boolean, showing the value only then, with the fix that unquotes it', () => {
    const [rep, port, ro] = expectFindings(
      check,
      deployment('        ports: [{containerPort: "8080"}]\n        securityContext: {readOnlyRootFilesystem: "true"}\n', '  replicas: "3"\n'),
      [
        { line: 6, message: 'spec.replicas is the string "3" (quoted, so not a number), but must be an integer' },
        { line: 13, container: 'web', message: /ports\[0\]\.containerPort is the string "8080" .*ContainerPort\.spec\.template\.spec\.containers\.ports\.containerPort of type int32\)$/ },
        { line: 14, container: 'web', message: /readOnlyRootFilesystem is the string "true" \(quoted, so not a boolean\), but must be a boolean/ },
      ],
    );
    assert.match(rep.message, /reject the Deployment \(json: cannot unmarshal string into Go struct field DeploymentSpec\.spec\.replicas of type int32\)$/);
    assert.equal(rep.fix, 'Write spec.replicas without quotes (replicas: 3), so that YAML reads a number; in a Helm template, drop the `quote` (or the quotes around {{ }}) that makes it a string.');
    assert.match(port.fix!, /containerPort: 8080/);
    assert.match(ro.fix!, /readOnlyRootFilesystem: true/);
  });

  it('fires on a number where text goes, never showing the value (an environment variable may be a secret)', () => {
    const [env, arg] = expectFindings(check, deployment('        env: [{name: PIN, value: 123456}]\n        args: [--port, 8080]\n'), [
      { line: 12, message: /env\[0\]\.value is a number \(YAML reads an unquoted 8080, 1\.0 or 0755 as one\), but must be a string: .*EnvVar\.spec\.template\.spec\.containers\.env\.value of type string\)$/ },
      { line: 13, message: /args\[1\] is a number .*, but spec\.template\.spec\.containers\[0\]\.args holds strings: .*Container\.spec\.template\.spec\.containers\.args of type string\)$/ },
    ]);
    assert.doesNotMatch(env.message + env.fix, /123456/);
    assert.equal(env.fix, 'Quote the value of spec.template.spec.containers[0].env[0].value as written (value: "..."), so that it stays the text it is.');
    assert.equal(arg.fix, 'Quote the value of spec.template.spec.containers[0].args[1] as written (- "..."), so that it stays the text it is.');
  });

  it('fires on a string, map or list where another of them goes, with Go\'s type names', () => {
    const found = expectFindings(
      check,
      deployment('        command: python app.py\n        env: {LOG_LEVEL: debug}\n        resources: none\n', '', '      tolerations: {key: dedicated, operator: Exists}\n      nodeSelector: [linux]\n'),
      [
        { line: 9, message: /tolerations is a map, but must be a list: .*of type \[\]v1\.Toleration\)$/ },
        { line: 10, message: /nodeSelector is a list, but must be a map: .*of type map\[string\]string\)$/ },
        { line: 14, message: /command is a string, but must be a list: .*of type \[\]string\)$/ },
        { line: 15, message: /env is a map, but must be a list: .*Container\.spec\.template\.spec\.containers\.env of type \[\]v1\.EnvVar\)$/ },
        { line: 16, message: /resources is a string, but must be a map: .*of type v1\.ResourceRequirements\)$/ },
      ],
    );
    assert.match(found[2].fix!, /one item per argument .*\["sh", "-c", "\.\.\."\]/);
    assert.match(found[3].fix!, /each key of the map becomes an item \(- name: KEY/);
    assert.match(found[4].fix!, /kubectl explain deployment\.spec\.template\.spec\.containers\.resources/);
    assert.doesNotMatch(found.map((f) => f.message + f.fix).join('\n'), /debug|python/, 'values are not shown');
  });

  it('names the embedded Go structs a field is promoted through, and Go\'s named string types', () => {
    const found = runCheck(
      check,
      deployment(
        '        readinessProbe: {httpGet: {path: 1, port: 8080}}\n        livenessProbe: {exec: "cat /tmp/ok"}\n        securityContext: {capabilities: {add: [1]}}\n        ports: [{containerPort: 80, protocol: 6}]\n',
        '',
        '      volumes: [{name: conf, configMap: {name: 1}}]\n',
      ),
    ).map((f) => /\((json: [^)]+)\)$/.exec(f.message)?.[1]);
    assert.deepEqual(found.sort(), [
      'json: cannot unmarshal number into Go struct field Capabilities.spec.template.spec.containers.securityContext.capabilities.add of type v1.Capability',
      'json: cannot unmarshal number into Go struct field ConfigMapVolumeSource.spec.template.spec.volumes.VolumeSource.configMap.LocalObjectReference.name of type string',
      'json: cannot unmarshal number into Go struct field ContainerPort.spec.template.spec.containers.ports.protocol of type v1.Protocol',
      'json: cannot unmarshal number into Go struct field HTTPGetAction.spec.template.spec.containers.readinessProbe.ProbeHandler.httpGet.path of type string',
      'json: cannot unmarshal string into Go struct field Probe.spec.template.spec.containers.livenessProbe.ProbeHandler.exec of type v1.ExecAction',
    ]);
  });

  it('names a placeholder left to replace, and says to replace it', () => {
    const [port, lun] = expectFindings(check, deployment('        ports: [{containerPort: PORT}]\n', '', '      volumes: [{name: fc, fc: {lun: <ADD LUN ID Here>}}]\n'), [
      { line: 9, message: 'spec.template.spec.volumes[0].fc.lun is the placeholder "<ADD LUN ID Here>" (left to replace before applying?), but must be an integer' },
      { line: 13, message: 'ports[0].containerPort is the placeholder "PORT" (left to replace before applying?), but must be an integer' },
    ]).sort((a, b) => (b.location.line ?? 0) - (a.location.line ?? 0));
    assert.equal(port.fix, 'Replace the placeholder in spec.template.spec.containers[0].ports[0].containerPort with an integer before applying (or have a tool do it: a Helm value, kustomize replacements, envsubst).');
    assert.match(lun.message, /FCVolumeSource\.spec\.template\.spec\.volumes\.VolumeSource\.fc\.lun of type int32\)$/);
    // Any other string where a number goes is not shown as a placeholder.
    expectFindings(check, deployment('', '  replicas: three\n'), [{ line: 6, message: 'spec.replicas is a string, but must be an integer' }]);
  });

  it('fires on numbers an integer field cannot hold, and on IntOrString values that are neither', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
  - {name: a, port: 3000000000, targetPort: true}
  - {name: b, port: 81, targetPort: 80.5}
  - {name: c, port: 82, targetPort: [http]}
`,
      [
        { line: 7, message: 'spec.ports[0].port is 3000000000, outside the int32 range, but must be an integer' },
        { line: 7, message: /spec\.ports\[0\]\.targetPort is a boolean .*, but must be an integer or a string: .*cannot unmarshal bool into Go struct field ServicePort\.spec\.ports\.targetPort of type int32\)$/ },
        { line: 8, message: /targetPort is 80\.5, not a whole number, .*cannot unmarshal number 80\.5 into/ },
        { line: 9, message: /targetPort is a list, .*cannot unmarshal array into Go struct field ServicePort\.spec\.ports\.targetPort of type int32\)$/ },
      ],
    );
  });

  it('does not fire on valid values: 3.0 replicas, quoted label values, named ports, percentages, nulls, quantities as numbers', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {tier: "1", enabled: "true"}, annotations: {cleared: null}}
spec:
  replicas: 3.0
  revisionHistoryLimit: null
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: "25%", maxUnavailable: 0}}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      securityContext: {runAsUser: 1000, fsGroup: 2000, supplementalGroups: [3000]}
      containers:
      - name: web
        image: registry.example/web:1.0
        command: [sh, -c, "exec web"]
        env: [{name: PORT, value: "8080"}, {name: EMPTY, value: null}, {name: X, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
        ports: [{name: http, containerPort: 8080, protocol: TCP}]
        readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 5}
        resources: {requests: {cpu: 1, memory: 128Mi}, limits: {cpu: 2.5, memory: 256Mi}}
`,
    );
  });

  it('does not fire on templated values (Helm, envsubst, Flux), patch directives, status, custom resources or Secrets', () => {
    expectNone(
      check,
      deployment(
        '        ports: [{containerPort: "{{ .Values.port }}"}]\n        securityContext: {privileged: "${PRIVILEGED}"}\n        $patch: replace\n',
        '  replicas: ${REPLICAS}\n',
      ),
    );
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "registry.example/web:1.0"}]
status: {replicas: "2", conditions: {a: b}}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: web}
spec: {endpoints: {port: 8080}}
---
apiVersion: v1
kind: Secret
metadata: {name: s}
stringData: {PORT: 8080}
`,
    );
  });

  it('is not unknown-field, and unknown-field is not it: each reports its own', () => {
    const yaml = deployment('        imagePullpolicy: Always\n', '  replicas: "2"\n');
    expectFindings(check, yaml, [{ line: 6, message: 'spec.replicas is the string "2"' }]);
    expectFindings(unknownField, yaml, [{ line: 13, message: 'unknown field "imagePullpolicy"' }]);
  });

  it('does not run on a live scan (the API server accepted what it returns)', () => {
    const yaml = deployment('', '  replicas: "2"\n');
    const loaded = loadText(yaml, 'live', loadPlan([check]));
    assert.equal(audit({ resources: loaded.resources, problems: [] }, { checks: [check] }).verdicts.flatMap((v) => v.findings).length, 1);
    const live = audit({ resources: loaded.resources, problems: [], listedKinds: new Set(['Deployment']) }, { checks: [check] });
    assert.deepEqual(live.verdicts.flatMap((v) => v.findings), []);
  });
});

describe('value-type-mismatch: values of maps of strings', () => {
  it('fires on an unquoted number or boolean (YAML 1.1 yes too), a list or a map, naming the type and not the value', () => {
    const found = runCheck(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, enabled: yes}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
      annotations:
        prometheus.io/scrape: true
        prometheus.io/port: 9090
        note: "quoted is fine"
        cleared: null
    spec:
      nodeSelector: {disktype: [ssd]}
      containers:
      - name: web
        image: registry.example/web:1.0
        resources: {limits: {cpu: 1, memory: 512Mi}}
        ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: conf}
data:
  PORT: 8123
  NAME: web
  NESTED: {a: b}
`,
    ).sort((a, b) => (a.location.line ?? 0) - (b.location.line ?? 0));
    assert.deepEqual(
      found.map((f) => [f.field, f.location.line]),
      [
        ['metadata.labels.enabled', 5],
        ['spec.template.metadata.annotations["prometheus.io/scrape"]', 12],
        ['spec.template.metadata.annotations["prometheus.io/port"]', 13],
        ['spec.template.spec.nodeSelector.disktype', 17],
        ['data.PORT', 28],
        ['data.NESTED', 30],
      ],
    );
    assert.equal(
      found[2].message,
      'spec.template.metadata.annotations["prometheus.io/port"] is a number (YAML reads an unquoted 8080, 1.0 or 0755 as one), but spec.template.metadata.annotations holds strings: kubectl apply, server-side apply and helm install reject the Deployment (json: cannot unmarshal number into Go struct field ObjectMeta.spec.template.metadata.annotations of type string)',
    );
    assert.match(found[0].message, /is a boolean .*cannot unmarshal bool into Go struct field ObjectMeta\.metadata\.labels of type string/);
    assert.match(found[3].message, /is a list, but spec\.template\.spec\.nodeSelector holds strings: .*cannot unmarshal array into Go struct field PodSpec\.spec\.template\.spec\.nodeSelector of type string/);
    assert.match(found[4].message, /^data\.PORT is a number .*cannot unmarshal number into Go struct field ConfigMap\.data of type string/);
    assert.doesNotMatch(found[4].message + found[4].fix, /8123/, 'the value is not shown');
    assert.equal(found[4].fix, 'Quote the value of data.PORT as written (PORT: "..."), so that it stays the text it is.');
    assert.match(found[5].fix!, /^Write data\.NESTED as one string/);
  });
});
