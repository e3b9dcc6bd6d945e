/** The resource model shared by sources, checks, the engine and reporters. */
import type { Json } from '../sources/yaml.js';

export type { Json };
export type JsonObject = { [k: string]: Json };
/** A field path into an object: keys and array indexes, e.g. ['spec','template','spec','containers',0,'image']. */
export type FieldPath = (string | number)[];

export interface SourcePosition {
  line: number;
  column: number;
}

/** Where a resource came from and how to turn a field path into a line and column. */
export interface Origin {
  /** File path as given (relative to the cwd when possible), '<stdin>' for standard input, or a cluster reference. */
  file: string;
  /** 0-based document index within the file. */
  doc: number;
  /** Index within a `kind: List` document's `items`, when the object came from one. */
  listIndex?: number;
  /**
   * The Helm chart or kustomization whose render produced the object (as Report.renders[].path shows
   * it). Two renders are alternatives (overlays of one base, a chart and its copy): objects of one
   * are never deployed with objects of the other.
   */
  render?: string;
  /**
   * Resolve a field path of this resource to the closest existing position: the field itself,
   * or the deepest ancestor that exists (where the missing field belongs).
   * `exact` says whether the full path exists.
   * Rendered input (Helm, Kustomize) also says in which source file (`file`, `doc`: a template, a
   * base resource, a patch; else `Origin.file`) and where in the rendered output (`rendered`).
   */
  locate(path: FieldPath): ((SourcePosition & { exact: boolean }) | { line: null; column: null; exact: false; file: string }) & RenderedAt | null;
}

/** What `Origin.locate` adds for rendered input. */
export interface RenderedAt {
  file?: string;
  doc?: number;
  rendered?: RenderedPosition;
  /** Helm: where the values the template line reads are set (see ValueSource). */
  values?: ValueSource[];
}

/**
 * Helm: where a `.Values` reference of a template line gets its value: the values file that sets
 * it (a -f file, else the chart's values.yaml, else a parent chart's), or `--set`. `exact` is false
 * when only an ancestor of the path is written there (`resources: {}` for `.Values.resources.limits`).
 */
export interface ValueSource {
  /** `.Values.resources`. */
  ref: string;
  /** The values file as shown (relative to the working directory), or "--set". */
  file: string;
  line: number | null;
  column: number | null;
  exact: boolean;
}

/** Where a field sits in the output of a Helm or Kustomize render (see Report.renders). */
export interface RenderedPosition {
  /** The chart or kustomization as shown (Report.renders[].path). */
  render: string;
  line: number | null;
  column: number | null;
  /** Helm: the template as named by the output's `# Source:` comment (chart/templates/x.yaml). */
  source?: string;
}

export interface Resource {
  apiVersion: string;
  kind: string;
  name: string;
  /** Namespace as written (undefined when the manifest has none). */
  namespace: string | undefined;
  /** The decoded object. Never mutated after loading. */
  object: JsonObject;
  origin: Origin;
}

/** How a workload runs: it decides which checks apply. */
export type WorkloadClass =
  /** Long-running, replicated (Deployment, StatefulSet, ReplicaSet, RC, Rollout, unknown kinds with a template). */
  | 'service'
  /** One pod per node (DaemonSet). */
  | 'daemon'
  /** Runs to completion (Job, CronJob, Pods with restartPolicy Never/OnFailure). */
  | 'batch'
  /** A bare long-running Pod: nothing recreates it. */
  | 'pod';

export type ContainerType = 'container' | 'init' | 'sidecar';

export interface ContainerRef {
  name: string;
  type: ContainerType;
  spec: JsonObject;
  /** Path to the container object within the resource. */
  path: FieldPath;
  /** True for containers that run for the pod's lifetime (regular containers and native sidecars). */
  longRunning: boolean;
  /**
   * Set when the container is a placeholder that a mutating webhook completes at admission, so its
   * image and probes are not in the manifest: Istio's `image: auto` (gateway and sidecar injection
   * templates add the proxy image and its readiness probe). Image and probe checks skip it.
   */
  injectedBy?: string;
  /**
   * Set when an operator adds liveness and readiness probes to this container of the pods it
   * creates whenever the template has none: KubeRay does so for the Ray container (the first) of
   * every head and worker pod. Probe checks count them as present.
   */
  probesBy?: string;
  /**
   * Set when the operator that builds the pods leaves this container without a liveness probe on
   * purpose, and says why (ECK for Elasticsearch): liveness-probe-missing says so, as a warning.
   */
  livenessOmittedBy?: string;
}

export interface Workload {
  resource: Resource;
  class: WorkloadClass;
  /** Path to the pod template's `spec` (PodSpec) within the resource. */
  podSpecPath: FieldPath;
  podSpec: JsonObject;
  /** Path to the pod template's metadata (may not exist in the object). */
  podMetaPath: FieldPath;
  podLabels: Record<string, string>;
  podAnnotations: Record<string, string>;
  containers: ContainerRef[];
  /** Path to the replica count field, when the kind has one. */
  replicasPath: FieldPath | null;
  /** Replicas as written; null when unset (the API default is 1). */
  replicas: number | null;
  /**
   * The object that runs this template's pods instead of the workload itself: an Argo Rollout whose
   * `spec.workloadRef` names this Deployment. Its `spec.replicas` is the replica count (`replicas`
   * above is then the Rollout's), its autoscaler targets it, and its strategy makes the rollouts.
   */
  scaledBy?: { resource: Resource; replicasPath: FieldPath };
  /**
   * Set on another pod template of the same custom resource (a RayCluster's worker group beside its
   * head group, see otherTemplates): the workload of the template the resource is indexed by.
   */
  templateOf?: Workload;
  /** The operator that sets the pods' ServiceAccount (and creates it), when the template cannot choose it. */
  serviceAccountBy?: string;
  /** A PodDisruptionBudget the operator creates for these pods (ECK's Elasticsearch), described for messages. */
  disruptionBudgetBy?: string;
  /** A monitor the operator creates for these pods (CloudNativePG's PodMonitor), described for messages. */
  scrapedBy?: string;
}
