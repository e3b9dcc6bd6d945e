import { isValidPortName } from '../../model/ports.js';
import { defineCheck, type FindingInput, type Workload } from '../types.js';
import { get, getArray, getNumber, getString, stringMap } from '../../model/util.js';

/** Port names per workload: Services over the same workloads ask again and again (workloads are never mutated). */
const namesCache = new WeakMap<Workload, Set<string>>();

function portNames(w: Workload): Set<string> {
  let names = namesCache.get(w);
  if (!names) namesCache.set(w, (names = readPortNames(w)));
  return names;
}

function readPortNames(w: Workload): Set<string> {
  const out = new Set<string>();
  for (const c of w.containers) {
    for (const p of getArray(c.spec, ['ports'])) {
      const name = getString(p, ['name']);
      if (name) out.add(name);
    }
  }
  return out;
}

export default defineCheck({
  id: 'service-target-port-unresolved',
  pillar: 'networking',
  severity: 'error',
  title: 'Service targetPort names a port the pods do not declare',
  whatBreaks:
    'The Service has no backends for that port and every connection to it fails or times out: a named targetPort is resolved against the selected pods\' container port names, and when no container declares that name the pods are never added as endpoints for it.',
  details: `Only named (string) \`targetPort\`s are checked: numeric target ports work whether or not the container lists the port, so they are not reported. The check looks at workloads in the input that are in the Service's namespace and whose pod labels match its \`spec.selector\`; it says nothing when no such workload is in the input (it may come from another file or chart). Services without a selector (manual EndpointSlices) are skipped.

A \`targetPort\` string that is not a valid port name (1-15 characters of \`a-z\`, \`0-9\` and \`-\`, at least one letter, no leading, trailing or doubled \`-\`), such as a docs placeholder \`PORT\`, is not reported here: the API server's Service validation rejects it, so the Service is never created (\`kubectl apply\` reports it).

Typical causes: a renamed port (\`http\` to \`web\`), a chart value that changed the container port name, or a Service copied from another app.`,
  fix: {
    text: 'Name the container port exactly as the Service targetPort (or use the port number).',
    yaml: `# Service
spec:
  ports:
    - port: 80
      targetPort: http
---
# Deployment container
ports:
  - name: http
    containerPort: 8080`,
  },
  target: 'object',
  kinds: ['Service'],
  run({ resource, index }) {
    const obj = resource.object;
    const selector = stringMap(get(obj, ['spec', 'selector']));
    const pairs = Object.entries(selector);
    if (pairs.length === 0) return [];
    const ns = index.namespaceOf(resource);
    const backends = index.workloadsMatching(ns, selector).filter((w) => index.sameScope(w.resource, resource));
    if (backends.length === 0) return [];
    const out: FindingInput[] = [];
    getArray(obj, ['spec', 'ports']).forEach((p, i) => {
      const target = getString(p, ['targetPort']);
      // Numeric ports and unrendered template text (${PORT}, {{ .port }}) are not port names; nor is a
      // string the API server rejects as a targetPort (PORT, my_port): it can never be resolved.
      if (!target || /^[0-9]+$/.test(target) || /[${}]/.test(target) || !isValidPortName(target)) return;
      const missing = backends.filter((w) => !portNames(w).has(target));
      // Only when no selected workload declares it is the port certainly without endpoints; a
      // Service selecting several workloads of which some declare it is a different problem.
      if (missing.length < backends.length) return;
      const which = missing
        .map((w) => {
          const names = [...portNames(w)];
          return `${w.resource.kind} "${w.resource.name}" (declares ${names.length ? names.map((n) => `"${n}"`).join(', ') : 'no named ports'})`;
        })
        .join(', ');
      const port = getString(p, ['name']) ?? String(getNumber(p, ['port']) ?? i);
      out.push({
        message: `targetPort "${target}" of port ${port} matches no container port name in ${which}: those pods get no endpoint for this port`,
        path: ['spec', 'ports', i, 'targetPort'],
      });
    });
    return out;
  },
});
