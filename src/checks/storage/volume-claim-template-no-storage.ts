import { defineCheck, type FindingInput } from '../types.js';
import type { FieldPath } from '../../model/types.js';
import { get, getObject, isTemplated, parseQuantity } from '../../model/util.js';
import { claimTemplates } from '../../model/claims.js';

export default defineCheck({
  id: 'volume-claim-template-no-storage',
  pillar: 'storage',
  severity: 'error',
  title: 'volumeClaimTemplate requests no storage size',
  whatBreaks:
    'No pod of the StatefulSet is ever created: every PersistentVolumeClaim must request a storage size, so from Kubernetes 1.34 the API server rejects the StatefulSet outright, and older versions accept it but the controller cannot create the claim.',
  details: `A PersistentVolumeClaim without \`spec.resources.requests.storage\` is invalid
(\`spec.resources[storage]: Required value\`), and so is a size of zero or less.

Kubernetes validates \`volumeClaimTemplates\` as claims only since 1.34 (kubernetes/kubernetes#132212):
there, creating the StatefulSet fails with a validation error (updates of StatefulSets that were already
invalid are still tolerated). Before 1.34 the StatefulSet is accepted, and the StatefulSet controller fails on every
attempt to create the claim of the first pod: \`FailedCreate ... failed to create PVC data-web-0:
PersistentVolumeClaim "data-web-0" is invalid: spec.resources[storage]: Required value\`. No pod is
created, and nothing but that event says why (unless claims of exactly those names, \`data-web-0\`, ...,
were created beforehand: the controller only looks for them by name).

Not reported: templated sizes, and \`resources.requests.storage\` values that are present but not a
plain quantity (invalid-resource-quantity reports them).`,
  fix: {
    text: 'Request a size in every volumeClaimTemplate. A StatefulSet that already exists (clusters before 1.34 accept it) cannot have its volumeClaimTemplates changed (the API server forbids that update): delete it keeping its pods (kubectl delete statefulset NAME --cascade=orphan), then apply; the existing claims keep their data.',
    yaml: `spec:
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: ["ReadWriteOnce"]
        resources:
          requests:
            storage: 20Gi`,
  },
  target: 'object',
  kinds: ['StatefulSet'],
  run({ resource }) {
    const out: FindingInput[] = [];
    for (const t of claimTemplates(resource)) {
      const requests = getObject(t.template, ['spec', 'resources', 'requests']);
      const raw = get(t.template, ['spec', 'resources', 'requests', 'storage']);
      const missingAt: FieldPath = requests ? [...t.path, 'spec', 'resources', 'requests', 'storage'] : [...t.path, 'spec', 'resources', 'requests'];
      const why = '(spec.resources[storage]: Required value): from Kubernetes 1.34 the API server rejects the StatefulSet; before that it is accepted but the controller cannot create the claim, so no pod is ever created';
      if (raw === undefined || raw === null) {
        out.push({
          message: `volumeClaimTemplate "${t.name}" has no resources.requests.storage ${why}`,
          path: missingAt,
        });
        continue;
      }
      if (isTemplated(raw)) continue;
      const q = parseQuantity(raw);
      if (q !== undefined && q <= 0) {
        out.push({
          message: `volumeClaimTemplate "${t.name}" requests storage ${JSON.stringify(raw)}, which must be greater than zero: from Kubernetes 1.34 the API server rejects the StatefulSet; before that the controller cannot create the claim, so no pod is ever created`,
          path: missingAt,
        });
      }
    }
    return out;
  },
});
