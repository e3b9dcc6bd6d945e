/**
 * The check contract: metadata plus a pure function. Checks import only from `model` (and this
 * folder); they never import sources, the engine or reporters.
 */
import type { FieldPath, Resource, Workload, ContainerRef, JsonObject } from '../model/types.js';
import type { ResourceIndex } from '../model/index.js';
import type { FixAnchor } from '../model/fix-yaml.js';

export type Pillar = 'resources' | 'health' | 'rbac' | 'availability' | 'observability' | 'security' | 'storage' | 'networking';
export const PILLARS: Pillar[] = ['resources', 'health', 'rbac', 'availability', 'observability', 'security', 'storage', 'networking'];
/** The six checklist items; storage and networking findings count for the verdict but have no scorecard column. */
export const CHECKLIST_PILLARS: Pillar[] = ['resources', 'health', 'rbac', 'availability', 'observability', 'security'];

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: Severity[] = ['error', 'warning', 'info'];

export type ParamType = 'number' | 'string' | 'boolean' | 'string[]';
export interface ParamSpec {
  type: ParamType;
  default: number | string | boolean | string[];
  description: string;
}

/** What a check looks at. */
export type CheckTarget =
  /** Called once per workload (object with a pod template). */
  | 'workload'
  /** Called once per resource whose kind is listed in `kinds`. */
  | 'object';

export interface CheckMeta {
  /** Stable kebab-case id. */
  id: string;
  pillar: Pillar;
  severity: Severity;
  title: string;
  /** What happens WHEN this fails, said plainly. */
  whatBreaks: string;
  /** Longer rationale, trade-offs, references (Markdown). */
  details?: string;
  fix: {
    /** One or two sentences. */
    text: string;
    /** A YAML snippet showing the fixed fields. */
    yaml: string;
    /**
     * The fix relative to where it goes in each finding's object (its container, pod spec, pod
     * template metadata, or the object itself): the engine renders it at that object's real path
     * and container name (model/fix-yaml placeFix) as the finding's own `fixYaml`, so a Pod or a
     * CronJob is not shown a Deployment's spec.template.spec. `yaml` stays the documentation example.
     * An empty snippet: only findings that give their own (`fixSnippet`) get one.
     */
    place?: { at: FixAnchor; snippet: string };
  };
  params?: Record<string, ParamSpec>;
  target: CheckTarget;
  /** For target 'object': the kinds it runs on; ['*'] for every kind (with metadataOnly or customResources). */
  kinds?: string[];
  /**
   * For target 'object': the check reads only apiVersion, kind and metadata, so its kinds are not
   * loaded whole on its account (a CustomResourceDefinition's schema stays out of memory).
   */
  metadataOnly?: true;
  /**
   * For kinds ['*']: the check reads custom resources whole, with field positions (objects of API
   * groups the release does not serve); every other kind stays as metadataOnly loads it.
   */
  customResources?: true;
  /**
   * For target 'object': the check only looks for what the API server rejects (unknown fields), so on
   * an object that is not a workload its pillar applies only when it fires: a ConfigMap does not earn
   * an "availability: pass" for being well-formed.
   */
  validation?: true;
  /** For target 'workload': the workload classes it applies to (default: all). */
  classes?: Workload['class'][];
  /**
   * Pod Security Standards level whose control this check implements. The engine derives each
   * workload's PSS level from these: any 'baseline' check firing -> privileged; else any
   * 'restricted' check firing -> baseline; else restricted.
   */
  pss?: 'baseline' | 'restricted';
  /**
   * Kinds this check reads through the index besides its own target (e.g. the LimitRanges of the
   * namespace). Objects of kinds that no check targets or uses are loaded as metadata only
   * (apiVersion, kind, name, namespace, labels, annotations), which keeps memory flat on inputs
   * full of ConfigMaps, Secrets and CRDs. A check that reads another kind MUST list it here.
   */
  uses?: string[];
  /**
   * A runtime check: it reads what the cluster reports (status, Events), not what the manifest
   * asks for. The engine runs it only on objects that carry a `status` (live objects, `kubectl get
   * -o yaml` dumps), so it never fires on, or costs anything for, plain manifests; docs list these
   * checks apart. Its pillar is the checklist item that would have prevented the failure.
   */
  runtime?: true;
}

/** What a check reports. The engine adds severity, pillar, location and verdicts. */
export interface FindingInput {
  message: string;
  /** Path of the offending field, or where the missing field belongs. */
  path: FieldPath;
  /** The container this is about, if any. */
  container?: string;
  /** Overrides the check's severity for this finding (e.g. warning for an info-level variant). */
  severity?: Severity;
  /**
   * Set when the finding rests on an object being absent from the input ("no PodDisruptionBudget
   * selects these pods"): it may live in another repository. Unless the user says the input is
   * complete for this namespace (`--complete`, `complete:` in config), the finding is reported as
   * unknown: shown, not failing. The text says what was not found.
   */
  unknown?: string;
  /**
   * Where the missing object of `unknown` would be, when not in the finding's own namespace: another
   * namespace (a route's backend Service); several (all must be declared complete); '*' for any
   * namespace (a PrometheusRule for this namespace can live in a monitoring one: only `--complete`
   * makes it count); null for a cluster-scoped object (a ClusterRole, a StorageClass: `--complete`, or
   * a live cluster, whose cluster-scoped objects are always listed).
   */
  unknownIn?: string | string[] | null;
  /**
   * The message to show when the absence behind `unknown` is a fact (the input is declared complete
   * there, or a live scan listed that kind in full): the same statement without the "if it does not
   * exist in the cluster either" hedge. Word where it looked with `sourceWhere(ctx.index)`.
   */
  knownMessage?: string;
  /**
   * For a finding that holds whether or not the input is complete (no `unknown`), but whose message
   * hedges about objects that may live elsewhere ("no Service in the input sends it traffic (if one
   * elsewhere does, ...)"): the message to show when the input is complete where `unknownIn` (or the
   * finding's namespace) points, or a live scan listed it. Word where it looked with `sourceWhere`.
   * The finding's fingerprint comes from the hedged `message` either way (a baseline does not see a
   * change when the input is declared complete).
   */
  completeMessage?: string;
  /**
   * The fix for this finding when the check's (meta fix.text) does not fit it: a database server,
   * for which more replicas mean the database's own replication. Reports show it instead.
   */
  fix?: string;
  /**
   * This finding's own snippet, relative to the check's `fix.place.at` (the container's real port in
   * a probe, a limit no lower than the request the container has): rendered in place of
   * `fix.place.snippet`.
   */
  fixSnippet?: string;
  /**
   * Other objects this finding is about (the PDB that blocks a drain, the Service whose port is
   * missing, the RoleBinding granting a permission), each with the field that matters. The engine
   * turns each into an object reference with its own file:line, so a cross-resource finding names
   * every object involved.
   */
  related?: RelatedInput[];
  /**
   * What the finding is about, when its message also describes things that change without changing
   * it (the other workloads of the namespace, their count): the fingerprint (baselines, SARIF) uses
   * this, with the check and the namespace, instead of the message and the object it hangs on, so
   * adding an unrelated Deployment does not make it "new".
   */
  identity?: string;
}

export interface RelatedInput {
  resource: Resource;
  /** Field of that object the finding points at ([] for the object itself). */
  path: FieldPath;
  /** Its role in the finding, short: "blocks eviction", "grants secrets read". */
  note?: string;
}

export interface CheckContext<P = Record<string, unknown>> {
  /** Set for target 'workload'. */
  workload?: Workload;
  /** The resource being checked (the workload's resource for workload checks). */
  resource: Resource;
  /** Parameters, defaults merged with config. */
  params: P;
  /** Every resource in the input, for lookups (HPAs that target a workload, etc.). */
  index: ResourceIndex;
  /**
   * Ids of the checks that run in this audit (disabled ones left out). A check that leaves a case to
   * another check reports it itself when that check does not run. Absent: every check runs.
   */
  active?: ReadonlySet<string>;
}

export interface Check<P = any> extends CheckMeta {
  run(ctx: CheckContext<P>): FindingInput[];
}

/** Helper so check modules get typed params without ceremony. */
export function defineCheck<P = Record<string, unknown>>(check: Check<P>): Check<P> {
  return check;
}

export type { FieldPath, Resource, Workload, ContainerRef, JsonObject };
