/**
 * A RoleBinding resolves to the copy of its Role closest to it when several folders hold a Role of that
 * name in that namespace (ingress-nginx ships one deploy.yaml per cloud provider, each with the same Role).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadText } from '../../src/sources/resources.js';
import { ResourceIndex } from '../../src/model/index.js';
import { rbacGraph } from '../../src/model/rbac.js';

const provider = (verb: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: admission, namespace: ingress-nginx}
rules: [{apiGroups: [""], resources: [secrets], verbs: [${verb}]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: admission, namespace: ingress-nginx}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: admission}
subjects: [{kind: ServiceAccount, name: admission, namespace: ingress-nginx}]
`;

describe('RoleBinding to a Role of several folders', () => {
  it('resolves to the Role of its own file, not the first copy of the input', () => {
    const files: [string, string][] = [
      ['deploy/static/provider/aws/deploy.yaml', provider('get')],
      ['deploy/static/provider/kind/deploy.yaml', provider('list')],
    ];
    const ix = new ResourceIndex(files.flatMap(([f, t]) => loadText(t, f).resources));
    const g = rbacGraph(ix);
    for (const [file] of files) {
      const b = ix.resources.find((r) => r.kind === 'RoleBinding' && r.origin.file === file)!;
      const res = g.resolveRoleRef(b);
      assert.equal(res.status, 'found');
      assert.equal(res.role?.origin.file, file);
    }
  });
});
