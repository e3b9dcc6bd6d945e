/**
 * kubeready as a library: load resources, audit them with a config, get a report object.
 *
 *   import { loadInputs, auditResources, renderText } from 'kubeready';
 *   const input = await loadInputs(['k8s/']);
 *   const report = auditResources(input);
 */
import { allChecks, findCheck } from './checks/index.js';
import { audit, type AuditOptions } from './engine/audit.js';
import type { Config } from './engine/config.js';
import type { Report } from './engine/report-types.js';
import type { LoadResult } from './sources/resources.js';

export { allChecks, findCheck };
export { audit, positionFilter, wholeFilter, loadPlan, formatPath, IGNORE_ANNOTATION, IGNORE_REASON_ANNOTATION } from './engine/audit.js';
export { parseConfig, loadConfigFile, findConfig, emptyConfig, configSchema, ConfigError, type Config } from './engine/config.js';
export { loadInputs, type FilesResult, type FileInputOptions } from './sources/files.js';
export { loadText, type LoadResult, type InputProblem } from './sources/resources.js';
export { parseYaml, resolvePlain } from './sources/yaml.js';
export { renderText, writeText, type TextOptions } from './report/text.js';
export { renderJson, writeJson } from './report/json.js';
export { exitCodeFor, EXIT } from './engine/exit.js';
export { loadCluster, loadContext, listAll, CLUSTER_KINDS, type ClusterLoad, type ContextLoad, type ClusterOptions, type KindSpec } from './sources/cluster.js';
export { auditCluster } from './engine/cluster-audit.js';
export { diagnose, diagnoseNamespace, parseTarget, logRequests, attachLogs, type Diagnosis, type NamespaceDiagnosis, type Problem as DiagnosisProblem, type DiagnoseOptions } from './engine/diagnose/index.js';
export { renderDiagnosis, renderNamespaceDiagnosis, renderDiagnosisJson } from './report/diagnose-text.js';
export { ResourceIndex } from './model/index.js';
export type * from './engine/report-types.js';
export type { Check, CheckMeta, CheckContext, FindingInput, Pillar, Severity } from './checks/types.js';
export type { Resource, Workload, ContainerRef, Origin } from './model/types.js';

/** Audit loaded input with all built-in checks. */
export function auditResources(input: LoadResult & { files?: number }, options: { config?: Config; namespace?: string } = {}): Report {
  const problems = input.problems.map((p) => ({ file: p.file, line: p.line ?? null, column: p.column ?? null, level: p.level, message: p.message }));
  const opts: AuditOptions = { checks: allChecks, config: options.config, namespace: options.namespace };
  return audit({ resources: input.resources, problems, documents: input.documents, skipped: input.skipped, files: input.files }, opts);
}
