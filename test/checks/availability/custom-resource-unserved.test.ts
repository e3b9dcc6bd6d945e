import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/availability/custom-resource-unserved.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';

const crd = (versions: string, kind = 'HTTPRoute', group = 'gateway.networking.k8s.io', api = 'apiextensions.k8s.io/v1') => `apiVersion: ${api}
kind: CustomResourceDefinition
metadata: {name: ${kind.toLowerCase()}s.${group}}
spec:
  group: ${group}
  names: {kind: ${kind}, plural: ${kind.toLowerCase()}s}
  scope: Namespaced
  versions: ${versions}
`;
const route = (version: string, kind = 'HTTPRoute') => `apiVersion: gateway.networking.k8s.io/${version}
kind: ${kind}
metadata: {name: web}
spec: {}
`;
const STANDARD = crd('[{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, description: "a long text"}}}}}, {name: v1beta1, served: true, storage: false, deprecated: true}, {name: v1alpha2, served: false, storage: false}]');

describe('custom-resource-unserved', () => {
  it('a version the CRD in the input dropped, and one it lists unserved: error, naming what it serves', () => {
    const found = expectFindings(check, `${STANDARD}---\n${route('v1alpha1')}---\n${route('v1alpha2')}`, [
      { line: 10, message: 'HTTPRoute in version v1alpha1: its CustomResourceDefinition in the input has no version v1alpha1 (httproutes.gateway.networking.k8s.io (test.yaml) serves v1, v1beta1): kubectl apply fails with "no matches for kind "HTTPRoute" in version "gateway.networking.k8s.io/v1alpha1"" and the object is not created', severity: 'error' },
      { line: 15, message: /^HTTPRoute in version v1alpha2: its CustomResourceDefinition in the input lists v1alpha2 with served: false / },
    ]);
    assert.equal(found[0].fix, 'Write apiVersion: gateway.networking.k8s.io/v1 (the storage version), after checking the object\'s fields against that version\'s schema in the CRD (fields can be renamed or moved between versions).');
    assert.equal(found[0].related[0].object.kind, 'CustomResourceDefinition');
    assert.equal(found[0].related[0].location.line, 8);
  });

  it('a deprecated version: warning with the API server\'s default text', () => {
    expectFindings(check, `${STANDARD}---\n${route('v1beta1')}`, [
      { line: 10, severity: 'warning', message: 'kubectl apply warns "gateway.networking.k8s.io/v1beta1 HTTPRoute is deprecated; use gateway.networking.k8s.io/v1 HTTPRoute"' },
    ]);
  });

  it('a kind in the wrong case or one letter off: error; two letters off, or a kind the group has elsewhere: silent', () => {
    expectFindings(check, `${STANDARD}---\n${route('v1', 'HttpRoute')}---\n${route('v1', 'HTTPRoutes')}---\n${route('v1', 'TCPRoute')}---\n${route('v1', 'GRPCRoute')}`, [
      { line: 11, message: /^kind "HttpRoute" is not defined in gateway\.networking\.k8s\.io; its CustomResourceDefinition in the input defines "HTTPRoute" .*kubectl apply fails with "kind: Invalid value: "HttpRoute": must be HTTPRoute"/ },
      { line: 16, message: /kubectl apply fails with "no matches for kind "HTTPRoutes" in version "gateway\.networking\.k8s\.io\/v1""/ },
    ]);
  });

  it('two copies of one CRD: a version either serves is fine', () => {
    const old = crd('[{name: v1alpha2, served: true, storage: true}]');
    expectNone(check, `${STANDARD}---\n${old}---\n${route('v1alpha2')}`);
  });

  it('silent without a v1 CRD for the group, for built-in groups and templated versions', () => {
    expectNone(check, route('v1alpha1'));
    expectNone(check, `${crd('[{name: v1alpha1, served: true, storage: true}]', 'HTTPRoute', 'gateway.networking.k8s.io', 'apiextensions.k8s.io/v1beta1')}---\n${route('v1')}`);
    expectNone(check, `${STANDARD}---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec: {}\n---\n${route('{{ .Values.version }}')}`);
  });

  it('loads CRDs with their schemas reduced to what validation reads (no descriptions), and does not run on a live scan', () => {
    const loaded = loadText(`${STANDARD}---\n${route('v1alpha1')}`, 'live', loadPlan([check]));
    const spec = loaded.resources[0].object.spec as Record<string, unknown>;
    assert.deepEqual(spec.versions, [
      { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object' } } } } },
      { name: 'v1beta1', served: true, storage: false, deprecated: true },
      { name: 'v1alpha2', served: false, storage: false },
    ]);
    const live = audit({ resources: loaded.resources, problems: [], listedKinds: new Set(['HTTPRoute']) }, { checks: [check] });
    assert.deepEqual(live.verdicts.flatMap((v) => v.findings), []);
  });
});
