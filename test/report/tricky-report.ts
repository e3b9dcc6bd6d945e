/**
 * Hand-built reports for reporter tests: content that breaks naive escaping (quotes, `|`,
 * backticks, `%`, newlines, `<`, `&`, `]]>`, control characters, unicode, a path with spaces,
 * commas and colons), exempted and unknown findings, related objects, cluster-scoped objects, a
 * finding without a line, input problems; and an empty report.
 */
import type { CheckInfo, Finding, Report, Verdict } from '../../src/engine/report-types.js';

export const NASTY = 'say "hi" | `rm -rf` 100% <b>&amp;</b> ]]> \u0007bell\r\nnext: line, ünïcödé 日本 🚀 * _x_ [l](u) # h';
export const SPACED_FILE = 'k8s/my app, v2: prod/dep loy.yaml';

const pillars = (over: Partial<Verdict['pillars']> = {}): Verdict['pillars'] => ({
  resources: 'pass',
  health: 'pass',
  rbac: 'pass',
  availability: 'pass',
  observability: 'pass',
  security: 'pass',
  storage: 'pass',
  networking: 'n/a',
  ...over,
});

const checks: CheckInfo[] = [
  {
    id: 'memory-limit-missing',
    pillar: 'resources',
    severity: 'error',
    title: 'Container has no memory limit',
    whatBreaks: 'The container can use all the node\'s memory | the OOM killer picks `anyone` & <everyone>.',
    fix: { text: 'Set resources.limits.memory (50% <= x).', yaml: 'resources:\n  limits:\n    memory: 512Mi # ``` fence inside\n' },
  },
  {
    id: 'privileged-container',
    pillar: 'security',
    severity: 'error',
    title: 'Privileged container',
    whatBreaks: 'Root on the node.',
    fix: { text: 'Remove privileged: true.', yaml: 'securityContext:\n  privileged: false' },
    pss: 'baseline',
  },
  {
    id: 'seccomp-profile-missing',
    pillar: 'security',
    severity: 'warning',
    title: 'No seccomp profile',
    whatBreaks: 'No syscall filter.',
    fix: { text: 'Set seccompProfile.type: RuntimeDefault.', yaml: 'seccompProfile:\n  type: RuntimeDefault' },
    pss: 'restricted',
  },
  {
    id: 'pdb-missing',
    pillar: 'availability',
    severity: 'info',
    title: 'No PodDisruptionBudget',
    whatBreaks: 'Drains can take every replica at once.',
    fix: { text: 'Add a PodDisruptionBudget.', yaml: 'kind: PodDisruptionBudget' },
  },
  {
    id: 'cluster-admin-binding',
    pillar: 'rbac',
    severity: 'error',
    title: 'cluster-admin bound',
    whatBreaks: 'Owns the cluster.',
    fix: { text: 'Bind a narrower role.', yaml: 'roleRef:\n  name: view' },
  },
];

function finding(over: Partial<Finding> & Pick<Finding, 'check' | 'message'>): Finding {
  const info = checks.find((c) => c.id === over.check)!;
  return {
    pillar: info.pillar,
    severity: info.severity,
    title: info.title,
    object: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web|"x"', namespace: 'shop' },
    container: 'app',
    field: 'spec.template.spec.containers[0].resources.limits.memory',
    location: { file: SPACED_FILE, line: 12, column: 9, exact: false, doc: 0 },
    exempted: null,
    unknown: null,
    related: [],
    ...over,
  };
}

export function trickyReport(): Report {
  const web: Verdict = {
    object: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web|"x"', namespace: 'shop' },
    location: { file: SPACED_FILE, line: 1, column: 1, exact: true, doc: 0 },
    workloadClass: 'service',
    ready: false,
    score: 40,
    pillars: pillars({ resources: 'fail', security: 'fail', availability: 'pass' }),
    podSecurity: 'privileged',
    findings: [
      finding({ check: 'memory-limit-missing', message: NASTY }),
      finding({ check: 'privileged-container', message: 'container "app" is privileged', field: 'spec.template.spec.containers[0].securityContext.privileged', location: { file: SPACED_FILE, line: 20, column: 13, exact: true, doc: 0 } }),
      finding({ check: 'seccomp-profile-missing', message: 'no seccompProfile: 50% of pods, a:b,c', location: { file: SPACED_FILE, line: null, column: null, exact: false, doc: 0 } }),
      finding({ check: 'privileged-container', message: 'sidecar is privileged (exempted by config)', container: 'sidecar', exempted: { by: 'config', reason: 'CNI needs it, "approved" by <sec>' } }),
      finding({ check: 'seccomp-profile-missing', message: 'exempted by annotation', container: 'init', exempted: { by: 'annotation', reason: 'legacy' } }),
      finding({
        check: 'pdb-missing',
        message: 'no PodDisruptionBudget selects these pods',
        unknown: 'no PodDisruptionBudget in namespace shop',
        related: [
          {
            object: { apiVersion: 'v1', kind: 'Namespace', name: 'shop', namespace: null },
            field: 'metadata',
            location: { file: 'k8s/ns.yaml', line: 3, column: 1, exact: true, doc: 0 },
            note: 'the namespace',
          },
        ],
      }),
    ],
    survival: [
      { scenario: 'node-loss', outcome: 'outage', reason: 'one replica | "only"', related: [] },
      { scenario: 'zone-loss', outcome: 'outage', reason: 'one replica', related: [] },
      { scenario: 'drain', outcome: 'blocked', reason: 'PDB allows 0', related: [] },
      { scenario: 'rollout', outcome: 'at-risk', reason: 'maxUnavailable 1', related: [] },
    ],
  };
  const ready: Verdict = {
    object: { apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', namespace: 'shop' },
    location: { file: 'k8s/cron.yaml', line: 1, column: 1, exact: true, doc: 0 },
    workloadClass: 'batch',
    ready: true,
    score: 100,
    pillars: pillars({ availability: 'n/a' }),
    podSecurity: 'restricted',
    findings: [],
    survival: null,
  };
  const crb: Verdict = {
    object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: 'admins', namespace: null },
    location: { file: 'k8s/rbac.yaml', line: 5, column: 1, exact: true, doc: 1 },
    workloadClass: null,
    ready: false,
    score: 0,
    pillars: { resources: 'n/a', health: 'n/a', rbac: 'fail', availability: 'n/a', observability: 'n/a', security: 'n/a', storage: 'n/a', networking: 'n/a' },
    podSecurity: null,
    findings: [
      {
        check: 'cluster-admin-binding',
        pillar: 'rbac',
        severity: 'error',
        title: 'cluster-admin bound',
        message: 'roleRef cluster-admin bound to Group system:authenticated',
        object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: 'admins', namespace: null },
        container: null,
        field: 'roleRef.name',
        location: { file: 'k8s/rbac.yaml', line: 9, column: 3, exact: true, doc: 1 },
        exempted: null,
        unknown: null,
        related: [],
      },
    ],
    survival: null,
  };
  return {
    schemaVersion: 1,
    tool: { name: 'kubeready', version: '0.1.0' },
    summary: {
      workloads: 2,
      readyWorkloads: 1,
      objects: 3,
      documents: 4,
      skippedDocuments: 0,
      files: 3,
      score: 47,
      findings: { error: 3, warning: 1, info: 0 },
      exempted: 2,
      unknown: 1,
      byPillar: {
        resources: { error: 1, warning: 0, info: 0 },
        health: { error: 0, warning: 0, info: 0 },
        rbac: { error: 1, warning: 0, info: 0 },
        availability: { error: 0, warning: 0, info: 0 },
        observability: { error: 0, warning: 0, info: 0 },
        security: { error: 1, warning: 1, info: 0 },
        storage: { error: 0, warning: 0, info: 0 },
        networking: { error: 0, warning: 0, info: 0 },
      },
      inputErrors: 1,
    },
    checks,
    verdicts: [web, ready, crb],
    problems: [
      { file: 'k8s/broken file.yaml', line: 4, column: 7, level: 'error', message: 'YAML: bad indentation of a mapping entry: "a: b" %' },
      { file: 'k8s/broken file.yaml', line: null, column: null, level: 'warning', message: 'document 2 has no kind, skipped' },
    ],
  };
}

/** A report of an input without workloads (two ConfigMaps): nothing to fix, score 100. */
export function emptyReport(): Report {
  return {
    schemaVersion: 1,
    tool: { name: 'kubeready', version: '0.1.0' },
    summary: {
      workloads: 0,
      readyWorkloads: 0,
      objects: 2,
      documents: 2,
      skippedDocuments: 0,
      files: 1,
      score: 100,
      findings: { error: 0, warning: 0, info: 0 },
      exempted: 0,
      unknown: 0,
      byPillar: {
        resources: { error: 0, warning: 0, info: 0 },
        health: { error: 0, warning: 0, info: 0 },
        rbac: { error: 0, warning: 0, info: 0 },
        availability: { error: 0, warning: 0, info: 0 },
        observability: { error: 0, warning: 0, info: 0 },
        security: { error: 0, warning: 0, info: 0 },
        storage: { error: 0, warning: 0, info: 0 },
        networking: { error: 0, warning: 0, info: 0 },
      },
      inputErrors: 0,
    },
    checks: [],
    verdicts: [],
    problems: [],
  };
}

/** Run the CLI on a path (relative to the repository root) and return the report it builds. */
export const EXAMPLE_TARGETS = ['examples', 'examples/tutorial', 'examples/production-ready'];
