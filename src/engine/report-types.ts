/** The report object: what the engine produces and every reporter consumes. JSON schema version 1. */
import type { Pillar, Severity } from '../checks/types.js';
import type { ValueSource, WorkloadClass } from '../model/types.js';
import type { TemplateCost } from '../model/cost.js';

export const REPORT_SCHEMA_VERSION = 1;

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  /** Effective namespace (manifest namespace, else --namespace, else "default"); null for cluster-scoped kinds. */
  namespace: string | null;
  /** Live cluster audits (audit --cluster) only: the kubeconfig context the object was read from. */
  cluster?: string;
}

export interface Location {
  file: string;
  line: number | null;
  column: number | null;
  /** False when the field is missing and the location is where it belongs. */
  exact: boolean;
  doc: number;
  /**
   * Only for objects rendered from a Helm chart or a Kustomize overlay (then `file` is the template,
   * base resource or patch, and `exact` is false when that line is a best guess): where the field is
   * in the render's output (Report.renders[].command prints it).
   */
  rendered?: RenderedLocation;
  /**
   * Helm only: where the values that the template line reads (`.Values.x` on that line, or in the
   * template action that writes the field's block) are set: a -f file, the chart's values.yaml (a
   * parent chart's for a subchart), or "--set". The fix usually goes there.
   */
  values?: ValueSource[];
}

export type { ValueSource };

export interface RenderedLocation {
  /** The chart or kustomization, as in Report.renders[].path. */
  render: string;
  line: number | null;
  column: number | null;
  /** Helm: the template as the output's `# Source:` comment names it (chart/templates/x.yaml). */
  source?: string;
}

/** One Helm chart or Kustomize overlay rendered for the audit (or, for a base, why it was not). */
export interface RenderOut {
  tool: 'helm' | 'kustomize';
  /** The chart (folder or .tgz) or kustomization folder, relative to the working directory. */
  path: string;
  /** The command, run from the working directory, whose output `location.rendered` lines refer to (--set values of secret-looking keys redacted); null when not rendered. */
  command: string[] | null;
  /** e.g. "helm v3.22.0", "kustomize v5.5.0" (kubectl kustomize); null when unknown. */
  version: string | null;
  /** Helm: the release name, and the values files used in order (the chart's own values.yaml first). */
  releaseName?: string;
  valuesFiles?: string[];
  /** Objects audited from this render. */
  objects: number;
  /** Helm: test hooks (helm.sh/hook: test) left out; --include-test-hooks audits them. */
  skippedTestHooks?: number;
  /** The tool's error when rendering failed (also an input error in problems). */
  error?: string;
  /** A kustomization not audited on its own because these kustomizations of the folder walk include it (--all-kustomizations audits it). */
  includedBy?: string[];
}

export interface Exemption {
  by: 'config' | 'annotation';
  reason: string;
}

export interface Finding {
  check: string;
  pillar: Pillar;
  severity: Severity;
  title: string;
  message: string;
  object: ObjectRef;
  container: string | null;
  /** Field path, kubectl-explain style: spec.template.spec.containers[0].image */
  field: string;
  location: Location;
  exempted: Exemption | null;
  /**
   * Set when the finding rests on an object that is not in the input and the input is not declared
   * complete for this namespace: shown, but it counts for no verdict, score or exit code.
   */
  unknown: string | null;
  /** Other objects involved in a cross-resource finding, each with its own location. */
  related: RelatedObject[];
  /**
   * Only when the message also describes other things (the namespace's other workloads): what the
   * finding is about; its fingerprint is made from the check, the namespace and this (not the object
   * it is reported on, nor the message).
   */
  identity?: string;
  /** This finding's own fix, when it differs from its check's (a database server: its own replication, not more replicas). */
  fix?: string;
  /**
   * The fix as YAML for this object: the check's snippet (or this finding's own) at the object's real
   * path (a Pod's spec, a CronJob's spec.jobTemplate.spec.template.spec) and container name. Absent
   * when the check has none placed; checks[].fix.yaml is then the example.
   */
  fixYaml?: string;
  /**
   * Only with --baseline: "new" (not in the baseline: counts for the exit code) or "unchanged" (in
   * the baseline: shown, counts for nothing but the score); null for exempted findings.
   */
  baseline?: 'new' | 'unchanged' | null;
}

export interface RelatedObject {
  object: ObjectRef;
  field: string;
  location: Location;
  note: string | null;
}

export type PillarStatus = 'pass' | 'fail' | 'n/a';

export interface Verdict {
  object: ObjectRef;
  location: Location;
  /** Workload class, or null for objects without a pod template (Roles, Ingresses, ...). */
  workloadClass: WorkloadClass | null;
  ready: boolean;
  score: number;
  pillars: Record<Pillar, PillarStatus>;
  /** Pod Security Standards level the pod template meets (workloads only; exempted findings do not count). */
  podSecurity: PssLevel | null;
  findings: Finding[];
  /**
   * Workloads only (null otherwise, and for Jobs and CronJobs): what happens when a node dies, a
   * zone fails, a node is drained and a new version rolls out, with the reason and the objects each
   * verdict rests on.
   */
  survival: SurvivalVerdict[] | null;
  /** Workloads only: requests and limits x replicas now, at the autoscaler's floor and ceiling, and what it costs. */
  cost: WorkloadCostOut | null;
  /** Workloads only: what an attacker who compromises its pods can do with their ServiceAccount token. */
  blastRadius: BlastRadiusOut | null;
}

export interface BlastRadiusOut {
  serviceAccount: string;
  namespace: string;
  /** An API token reaches the pods (automounted, or a projected token for the API server). */
  tokenMounted: boolean;
  /** Rules granted to the ServiceAccount in the input (directly, through groups, and inherited). */
  grants: number;
  risks: {
    id: string;
    level: 'critical' | 'high' | 'medium';
    /** "cluster" or a namespace. */
    scope: string;
    summary: string;
    /** What an attacker does with it. */
    impact: string;
    /** The binding subjects and role rules that grant it, each with its location. */
    via: RelatedObject[];
  }[];
  /** Bindings of the ServiceAccount whose role is not in the input: their permissions are unknown. */
  unknownBindings: RelatedObject[];
  /** The blast radius in one line, as the text report shows it. */
  text: string;
}

/** Who can reach whom under the NetworkPolicies in the input (see docs/report.schema.json). */
export interface ReachabilityOut {
  policies: number;
  workloads: {
    kind: string;
    name: string;
    namespace: string;
    /** Live cluster audits only: the context. */
    cluster?: string;
    ingress: 'open' | 'isolated' | 'allow-all' | 'unknown';
    egress: 'open' | 'isolated' | 'allow-all' | 'unknown';
    ingressPolicies?: string[];
    egressPolicies?: string[];
    ingressIpBlocks?: string[];
    egressIpBlocks?: string[];
    hostNetwork?: true;
  }[];
  /** from/to are indexes into `workloads`. */
  edges: { from: number; to: number; ports: 'all' | string[]; maybe?: 'all' | string[] }[];
  truncated: boolean;
}

/** CPU in cores, memory in bytes. */
export interface Quantities {
  cpu: number;
  memory: number;
}

/** null per resource when unbounded (a container without a limit) or unknown. */
export interface Bounds {
  cpu: number | null;
  memory: number | null;
}

export interface WorkloadCostOut {
  /** replicas; per-node (DaemonSet, figures for one node); nodes (DaemonSet x given node count); per-run (one run of a Job). */
  unit: 'replicas' | 'per-node' | 'nodes' | 'per-run';
  pod: { requests: Quantities; limits: Bounds };
  replicas: { now: number; min: number; max: number | null };
  requests: { now: Quantities; min: Quantities; max: Quantities | null };
  limitsAtMax: Bounds;
  overcommit: Bounds;
  hourly: { now: number; min: number; max: number | null };
  monthly: { now: number; min: number; max: number | null } | null;
  monthlyAtLimits: number | null;
  currency: string;
  /** Some request could not be counted (unset, templated): the figures are lower bounds. */
  incomplete: boolean;
  incompleteContainers: string[];
  notes: string[];
  /** The envelope in one line, as the text report shows it. */
  text: string;
  /**
   * Custom resources with several pod templates only (a RayCluster's head and worker groups): each
   * template's figures. The object's requests, limitsAtMax, hourly and monthly figures are their sums;
   * pod, replicas and overcommit are the first template's.
   */
  templates?: TemplateCost[];
}

export interface CostTotalsOut {
  workloads: number;
  requests: { now: Quantities; min: Quantities; max: Quantities | null };
  limitsAtMax: Bounds;
  hourly: { now: number; min: number; max: number | null };
  monthly: { now: number; min: number; max: number | null } | null;
  incomplete: boolean;
}

export interface CostSummary {
  prices: { cpuPerHour: number; memoryGiBPerHour: number; currency: string; hoursPerMonth: number };
  /** All namespaces together, by unit (replicated workloads, per-node DaemonSets, per-run Jobs do not add up). */
  total: { running: CostTotalsOut | null; perNode: CostTotalsOut | null; perRun: CostTotalsOut | null };
  namespaces: { namespace: string; running: CostTotalsOut | null; perNode: CostTotalsOut | null; perRun: CostTotalsOut | null }[];
  /**
   * Per render (Report.renders[].path; null: objects not produced by a render), only when the input
   * holds two or more renders with workloads: they may be alternatives (overlays of one base) that
   * `total` adds up.
   */
  renders?: { render: string | null; running: CostTotalsOut | null; perNode: CostTotalsOut | null; perRun: CostTotalsOut | null }[];
}

export type SurvivalScenario = 'node-loss' | 'zone-loss' | 'drain' | 'rollout';
export type SurvivalOutcome = 'survives' | 'at-risk' | 'outage' | 'blocked' | 'unknown' | 'n/a';

export interface SurvivalVerdict {
  scenario: SurvivalScenario;
  outcome: SurvivalOutcome;
  reason: string;
  related: RelatedObject[];
}

export interface InputProblemOut {
  file: string;
  line: number | null;
  column: number | null;
  level: 'error' | 'warning';
  message: string;
}

export interface Summary {
  workloads: number;
  readyWorkloads: number;
  objects: number;
  documents: number;
  skippedDocuments: number;
  files: number;
  score: number;
  findings: Record<Severity, number>;
  exempted: number;
  /** Findings that rest on objects not in the input (see Finding.unknown). */
  unknown: number;
  byPillar: Record<Pillar, Record<Severity, number>>;
  inputErrors: number;
}

/** The metadata of each check that produced a finding, so reporters can explain without importing checks. */
export interface CheckInfo {
  id: string;
  pillar: Pillar;
  severity: Severity;
  title: string;
  whatBreaks: string;
  fix: { text: string; yaml: string };
  pss?: 'baseline' | 'restricted';
}

export type PssLevel = 'privileged' | 'baseline' | 'restricted';

export interface Report {
  schemaVersion: number;
  tool: { name: 'kubeready'; version: string };
  summary: Summary;
  checks: CheckInfo[];
  /** Cost envelope per namespace and in all; null when the input has no workload. */
  cost: CostSummary | null;
  /**
   * The reachability matrix under the input's NetworkPolicies: null when the input has none, or when
   * it was not asked for (the CLI computes it for the json and html outputs).
   */
  reachability?: ReachabilityOut | null;
  /** Workloads first (ordered by file and position), then other objects that any check applied to. */
  verdicts: Verdict[];
  problems: InputProblemOut[];
  /** Only with --baseline: how the findings compare with the baseline file. */
  baseline?: BaselineResult | null;
  /** Only for live cluster audits (audit --cluster): what was read from each context, and what could not be. */
  cluster?: ClusterReport | null;
  /** Only when the input had Helm charts or Kustomize overlays: each render, in input order. */
  renders?: RenderOut[];
  /** Only when a configuration file was read (-c, or a .kubeready.yaml found upward): its path. */
  config?: string;
}

/** A live cluster audit: one entry per kubeconfig context, in the order given. */
export interface ClusterReport {
  /** False when a context was unreachable, a list failed or was forbidden (expected ones aside): exit code 4. */
  complete: boolean;
  contexts: ClusterContextOut[];
}

export interface ClusterContextOut {
  context: string;
  /** Cluster name in the kubeconfig. */
  cluster: string;
  server: string;
  /** The API server's gitVersion (GET /version); null when unknown. */
  serverVersion: string | null;
  /** ok: everything listed; incomplete: some kinds skipped or the scan stopped; unreachable: nothing read. */
  status: 'ok' | 'incomplete' | 'unreachable';
  /** Namespaces audited; null for all (-A). */
  namespaces: string[] | null;
  /** The -l label selector (applies to the workload kinds), or null. */
  selector: string | null;
  /** Objects read. */
  objects: number;
  /** API requests made (discovery and list pages, retries included). */
  requests: number;
  durationMs: number;
  /** Kinds listed, with the apiVersion used and the objects found. */
  listed: { kind: string; apiVersion: string; objects: number }[];
  /** Lists that could not be read, and why (a 403 names the missing permission). */
  skipped: ClusterSkippedKind[];
  /** What stopped the scan: unreachable, timed out, connection lost. */
  errors: string[];
  warnings: string[];
  /** This context's share of the verdicts; null when nothing was read. */
  summary: { workloads: number; readyWorkloads: number; score: number; findings: Record<Severity, number> } | null;
}

export interface ClusterSkippedKind {
  kind: string;
  apiVersion: string | null;
  /** The namespace whose list was skipped; null for all namespaces or a cluster-scoped kind. */
  namespace: string | null;
  /** HTTP status (403 forbidden), or null when the server did not answer. */
  status: number | null;
  reason: string;
  /** Left out of deploy/rbac.yaml by design (Secrets): reported, does not make the audit incomplete. */
  expected: boolean;
}

/** One recorded finding of a baseline file (kubeready baseline write). Only the fingerprint matches. */
export interface BaselineEntry {
  fingerprint: string;
  check: string;
  severity: Severity | null;
  object: { kind: string; namespace: string | null; name: string };
  container: string | null;
  field: string;
  message: string;
  /** file:line where the finding was when the baseline was written, for humans. */
  at: string | null;
}

export interface BaselineResult {
  /** The baseline file as given on the command line. */
  file: string;
  /** Non-exempted findings not in the baseline (these alone count for the exit code). */
  new: number;
  /** Non-exempted findings in the baseline. */
  unchanged: number;
  /** Baseline entries no longer found, on objects (containers) that have no new finding. */
  fixed: BaselineEntry[];
  /**
   * Baseline entries no longer found on a container that now has a new finding of another check, at
   * least as severe, with those checks: not "fixed", since that finding may have replaced them
   * (privileged: true makes the capability findings moot). Omitted when none.
   */
  superseded?: { entry: BaselineEntry; by: string[] }[];
}
