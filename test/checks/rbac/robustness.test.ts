import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checks } from '../../../src/checks/rbac/index.js';
import { ResourceIndex } from '../../../src/model/index.js';
import type { Json, JsonObject, Resource } from '../../../src/model/types.js';

function res(kind: string, apiVersion: string, object: JsonObject, namespace?: string): Resource {
  return { apiVersion, kind, name: 'r', namespace, object, origin: { file: 'f', doc: 0, locate: () => null } };
}

const any = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;
const word = (...xs: string[]) => fc.oneof(any, fc.constantFrom<Json>(...xs));
const list = (...xs: string[]) => fc.oneof(any, fc.array(word(...xs), { maxLength: 4 }));
const rule = fc.oneof(
  any,
  fc.record(
    {
      apiGroups: list('', '*', 'apps', 'rbac.authorization.k8s.io'),
      resources: list('*', 'secrets', 'pods', 'pods/exec', '*/attach', 'nodes/proxy', 'clusterroles', 'users', 'serviceaccounts/token', 'deployments'),
      verbs: list('*', 'get', 'list', 'create', 'bind', 'escalate', 'impersonate', 'patch'),
      resourceNames: list('cluster-admin', 'system:masters', 'x'),
      nonResourceURLs: list('*', '/metrics'),
    },
    { requiredKeys: [] },
  ),
);
const role = fc.record({ rules: fc.oneof(any, fc.array(rule, { maxLength: 4 })), aggregationRule: fc.oneof(fc.constant<Json>(null), any) }, { requiredKeys: [] });
const subject = fc.oneof(any, fc.record({ kind: word('ServiceAccount', 'User', 'Group'), name: word('system:authenticated', 'system:serviceaccounts:x', 'ci', 'system:masters'), namespace: word('ns', '') }, { requiredKeys: [] }));
const binding = fc.record({ roleRef: fc.oneof(any, fc.record({ kind: word('ClusterRole', 'Role'), name: word('cluster-admin', 'view') }, { requiredKeys: [] })), subjects: fc.oneof(any, fc.array(subject, { maxLength: 3 })) }, { requiredKeys: [] });
const podSpec = fc.record(
  {
    containers: fc.array(fc.record({ name: fc.string(), image: fc.string({ minLength: 1 }) }), { minLength: 1, maxLength: 2 }),
    serviceAccountName: word('default', '', 'web'),
    serviceAccount: word('default', 'web'),
    automountServiceAccountToken: fc.oneof(any, fc.boolean()),
    volumes: fc.oneof(any, fc.array(fc.oneof(any, fc.record({ name: any, projected: any })), { maxLength: 2 })),
  },
  { requiredKeys: ['containers'] },
);
const sa = fc.record({ automountServiceAccountToken: any }, { requiredKeys: [] });

describe('rbac checks are total', () => {
  it('never throw on odd Roles, bindings, ServiceAccounts and pod specs', () => {
    fc.assert(
      fc.property(role, binding, podSpec, sa, fc.constantFrom<string | undefined>(undefined, 'ns'), (r, b, spec, s, ns) => {
        const objects = [
          res('ClusterRole', 'rbac.authorization.k8s.io/v1', r as JsonObject),
          res('Role', 'rbac.authorization.k8s.io/v1', r as JsonObject, ns),
          res('ClusterRoleBinding', 'rbac.authorization.k8s.io/v1', b as JsonObject),
          res('RoleBinding', 'rbac.authorization.k8s.io/v1', b as JsonObject, ns),
          res('ServiceAccount', 'v1', s as JsonObject, ns),
          res('Deployment', 'apps/v1', { spec: { template: { spec: spec as unknown as Json } } }, ns),
        ];
        const index = new ResourceIndex(objects);
        for (const o of objects) {
          const w = index.workloads.find((x) => x.resource === o);
          for (const check of checks) {
            if (check.target === 'workload' ? !w : !check.kinds?.includes(o.kind)) continue;
            const params: Record<string, unknown> = {};
            for (const [k, p] of Object.entries(check.params ?? {})) params[k] = p.default;
            const found = check.run({ workload: w, resource: o, params, index });
            assert.ok(Array.isArray(found));
            for (const f of found) assert.doesNotMatch(f.message, /undefined|NaN|\[object Object\]/, `${check.id}: ${f.message}`);
          }
        }
      }),
      { seed: Number(process.env.FC_SEED ?? 1_732_600_000), numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });
});
