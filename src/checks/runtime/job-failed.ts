import { defineCheck, type FindingInput, type RelatedInput, type Resource } from '../types.js';
import type { ResourceIndex } from '../../model/index.js';
import { conditionOf, containerStatuses, controllerOf, creationTime, exitCodeMeaning, hasStatus, lastTermination, ownedBy, podsOf } from '../../model/runtime.js';
import { formatDuration, formatTime, observedAt } from '../../model/events.js';
import { getString } from '../../model/util.js';
import { quote } from './util.js';

/** When a Job started: status.startTime, else its creation. */
function startOf(job: Resource): number | undefined {
  const t = getString(job.object, ['status', 'startTime']);
  const ms = t ? Date.parse(t) : NaN;
  return Number.isFinite(ms) ? ms : creationTime(job);
}

/** The exit codes of the Job's failed pods, for the message ("app: exit code 1 (error)"). */
function exits(index: ResourceIndex, job: Resource): string {
  const seen: string[] = [];
  for (const p of podsOf(index, job)) {
    for (const c of containerStatuses(p)) {
      const t = lastTermination(c);
      if (t?.exitCode === undefined || t.exitCode === 0) continue;
      const text = `${c.name}: ${exitCodeMeaning(t.exitCode, t.signal)}${t.reason && t.reason !== 'Error' ? `, ${t.reason}` : ''}`;
      if (!seen.includes(text)) seen.push(text);
    }
  }
  return seen.length ? `; its pods ended with ${seen.slice(0, 3).join('; ')}` : '';
}

/**
 * The name a series of one-off Jobs shares: `migrate-41` and `migrate-42` (a release or build number),
 * `backup-x7k2p` (a generated suffix). Only a last segment with a digit is dropped: `backup-manual` and
 * `backup-nightly` are different work.
 */
function seriesOf(job: Resource): string | null {
  const generated = getString(job.object, ['metadata', 'generateName']);
  if (generated) return generated;
  const m = /^(.+)-([a-z0-9]{1,20})$/.exec(job.name);
  return m && /\d/.test(m[2]) ? `${m[1]}-` : null;
}

/** A later Job of the same series that completed: the failed one is history, its work has been done. */
function supersededBy(index: ResourceIndex, job: Resource): Resource | undefined {
  const series = seriesOf(job);
  const started = startOf(job);
  if (series === null || started === undefined) return undefined;
  return index
    .inNamespace('Job', index.namespaceOf(job))
    .find(
      (k) =>
        k !== job &&
        controllerOf(k)?.kind !== 'CronJob' &&
        seriesOf(k) === series &&
        (startOf(k) ?? -Infinity) > started &&
        conditionOf(k, 'Complete')?.status === 'True',
    );
}

function failedText(job: Resource): string | undefined {
  const f = conditionOf(job, 'Failed');
  if (f?.status !== 'True') return undefined;
  return `${f.reason ?? 'Failed'}${f.since !== undefined ? ` at ${formatTime(f.since)}` : ''}${f.message ? ` (${quote(f.message, 160)})` : ''}`;
}

export default defineCheck({
  id: 'job-failed',
  pillar: 'health',
  severity: 'error',
  runtime: true,
  title: 'Job or CronJob run failed',
  whatBreaks:
    'The batch work did not complete: a migration that never ran, a backup or report that was not produced. Nothing restarts a failed Job, and a CronJob whose runs fail keeps failing quietly on every schedule until someone looks.',
  details: `A runtime check (Job \`status.conditions\`, CronJob \`status\` and the Jobs it owns). Reported:

- for a **Job** that no CronJob owns, when its \`Failed\` condition is True: \`BackoffLimitExceeded\` (every
  retry failed), \`DeadlineExceeded\` (it ran longer than \`activeDeadlineSeconds\`),
  \`PodFailurePolicy\`, \`MaxFailedIndexesExceeded\` or another reason of the Job controller; unless a
  later Job of the same series completed: one with the same \`metadata.generateName\`, or a name that
  differs only in a last segment with a digit (\`migrate-41\` failed, \`migrate-42\` completed: the work was
  done; \`backup-manual\` and \`backup-nightly\` are not a series);
- for a **CronJob**, when the newest of its Jobs in the input failed: the message says when it last
  succeeded (\`status.lastSuccessfulTime\`), or that no run has succeeded since it was created. Older failed
  runs followed by a success are history, not reported (nor are failed Jobs of a CronJob on their own).

The message gives the failure reason and the exit codes of the Job's pods when they are still there
(\`kubeready diagnose job/NAME\` walks them). A suspended CronJob (\`spec.suspend: true\`) is not reported.
A failed Job's pod template cannot be changed: fix the cause, then delete and recreate the Job (for a
CronJob, the next scheduled run uses the fixed template; \`kubectl create job --from=cronjob/NAME\` runs it
now).`,
  fix: {
    text: 'Read why the pods failed (kubectl logs job/NAME, kubeready diagnose job/NAME), fix the cause, then recreate the Job; keep failed Jobs from piling up with ttlSecondsAfterFinished.',
    yaml: `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  backoffLimit: 3
  activeDeadlineSeconds: 900
  ttlSecondsAfterFinished: 86400
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: registry.example.com/shop/migrate:1.4.2`,
  },
  target: 'object',
  kinds: ['Job', 'CronJob'],
  uses: ['Event'],
  run({ resource: r, index }) {
    const out: FindingInput[] = [];
    if (!hasStatus(r) && r.kind === 'Job') return out;
    if (r.kind === 'Job') {
      if (!r.apiVersion.startsWith('batch/') || controllerOf(r)?.kind === 'CronJob') return out;
      const failed = failedText(r);
      if (!failed || supersededBy(index, r)) return out;
      const f = conditionOf(r, 'Failed')!;
      out.push({
        message: `Job failed: ${failed}${exits(index, r)}: its work did not complete, and nothing retries it`,
        path: f.path,
      });
      return out;
    }
    if (!r.apiVersion.startsWith('batch/') || r.object.spec === undefined) return out;
    if ((r.object.spec as Record<string, unknown>).suspend === true) return out;
    const jobs = ownedBy(index, r).filter((j) => j.kind === 'Job');
    if (jobs.length === 0) return out;
    const newest = jobs.reduce((a, b) => ((startOf(b) ?? -Infinity) > (startOf(a) ?? -Infinity) ? b : a));
    const failed = failedText(newest);
    if (!failed) return out;
    const lastOk = getString(r.object, ['status', 'lastSuccessfulTime']);
    const okMs = lastOk ? Date.parse(lastOk) : NaN;
    const now = observedAt(index);
    const since = Number.isFinite(okMs)
      ? `it last succeeded at ${formatTime(okMs)}${now !== undefined && now > okMs ? ` (${formatDuration(now - okMs)} ago)` : ''}`
      : 'no run has succeeded since it was created';
    const related: RelatedInput[] = [{ resource: newest, path: conditionOf(newest, 'Failed')!.path, note: `Job ${newest.name}: Failed` }];
    out.push({
      message: `its last run, Job "${newest.name}"${startOf(newest) !== undefined ? ` (started ${formatTime(startOf(newest)!)})` : ''}, failed: ${failed}${exits(index, newest)}; ${since}: the scheduled work is not being done`,
      path: lastOk ? ['status', 'lastSuccessfulTime'] : ['status'],
      related,
    });
    return out;
  },
});
