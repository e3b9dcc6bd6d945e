import { defineCheck, type FindingInput } from '../types.js';
import type { ContainerRef } from '../../model/types.js';
import { commandWords, getArray, getString, isObject, parseImage } from '../../model/util.js';
import { hasProbe, isSet, probeOf, timing } from './probe-util.js';

interface Params {
  minStartupSeconds: number;
  slowStartImages: string[];
  requireSlowStartHint: boolean;
}

/** Env vars that only a JVM (or a JVM launcher script) reads. */
const JVM_ENV = new Set([
  'JAVA_OPTS', 'JAVA_TOOL_OPTIONS', 'JDK_JAVA_OPTIONS', '_JAVA_OPTIONS', 'JVM_OPTS', 'CATALINA_OPTS',
  'ES_JAVA_OPTS', 'OPENSEARCH_JAVA_OPTS', 'LS_JAVA_OPTS', 'KAFKA_HEAP_OPTS',
]);

/** Image name parts that mark a fast-starting companion of a slow product (a Go exporter, a CLI). */
const FAST_COMPANIONS = new Set(['exporter', 'curator', 'gatekeeper', 'cli']);

function tokens(s: string): string[] {
  return s.toLowerCase().split(/[-_.]+/).filter(Boolean);
}

/** Why this container is known to start slowly, or undefined. */
function slowStartHint(c: ContainerRef, images: string[]): string | undefined {
  for (const w of commandWords(c.spec)) {
    const base = w.slice(w.lastIndexOf('/') + 1);
    if (base === 'java') return `JVM: runs ${w}`;
    if (/^-Xm[sx][0-9]/.test(w)) return `JVM: ${w} in command`;
    if (/\.jar$/.test(w)) return `JVM: runs ${base}`;
  }
  for (const e of getArray(c.spec, ['env'])) {
    const name = isObject(e) ? getString(e, ['name']) : undefined;
    if (name && JVM_ENV.has(name)) return `JVM: sets ${name}`;
  }
  const image = getString(c.spec, ['image']);
  if (image && images.length) {
    const ref = parseImage(image);
    const nameTokens = tokens(ref.name);
    if (nameTokens.some((t) => FAST_COMPANIONS.has(t))) return undefined;
    const segments = ref.repository.split('/');
    if (segments.length > 1 && /[.:]|^localhost$/.test(segments[0])) segments.shift();
    const all = segments.flatMap(tokens);
    const wanted = images.map((i) => i.toLowerCase()).filter(Boolean);
    const hit = wanted.find((i) => all.some((t) => t.startsWith(i)));
    if (hit) return `image ${ref.repository} (${hit}) is known to start slowly`;
  }
  return undefined;
}

export default defineCheck<Params>({
  id: 'liveness-without-startup-probe',
  pillar: 'health',
  severity: 'warning',
  title: 'Slow-starting container has a short liveness budget and no startup probe',
  whatBreaks:
    'A slow starter (a JVM, Keycloak, Elasticsearch) that is not answering before the liveness budget runs out is killed while still starting, restarted, killed again: CrashLoopBackOff that gets worse under CPU limits or on a busy node, typically during an incident or a node drain when many pods start at once.',
  details: `Liveness probing starts after \`initialDelaySeconds\` and kills the container after \`failureThreshold\`
failures \`periodSeconds\` apart, so a container gets roughly
\`initialDelaySeconds + periodSeconds × failureThreshold\` seconds (0 + 10 × 3 = 30 s with the defaults)
to start answering. A \`startupProbe\` holds liveness off until the app has started once, so a long
start is tolerated without making liveness slow to react later.

Precisely when it fires: the container has a \`livenessProbe\`, no \`startupProbe\`, its liveness
budget is below \`minStartupSeconds\` (default 60), **and** it is known to start slowly:

- a JVM: \`java\`, a \`.jar\` or an \`-Xms\`/\`-Xmx\` flag in \`command\`/\`args\`, or a JVM options variable
  in \`env\` (\`JAVA_OPTS\`, \`JAVA_TOOL_OPTIONS\`, \`JDK_JAVA_OPTIONS\`, \`ES_JAVA_OPTS\`, ...);
- or an image whose name (or organisation) has a part starting with an entry of \`slowStartImages\`
  (Go exporters and CLIs for these products, e.g. \`kafka-exporter\`, are left out).

Set \`requireSlowStartHint: false\` to flag every container whose liveness budget is below
\`minStartupSeconds\`. Raising \`initialDelaySeconds\` instead also silences it, but delays failure
detection on every restart; prefer a startup probe.`,
  fix: {
    text: 'Add a startupProbe on the same endpoint with a budget (periodSeconds × failureThreshold) that covers the worst-case start, and keep liveness short.',
    yaml: `containers:
  - name: app
    startupProbe:
      httpGet:
        path: /livez
        port: http
      periodSeconds: 5
      failureThreshold: 60   # up to 5 minutes to start
    livenessProbe:
      httpGet:
        path: /livez
        port: http
      periodSeconds: 10
      failureThreshold: 3`,
  },
  params: {
    minStartupSeconds: {
      type: 'number',
      default: 60,
      description: 'Liveness budgets (initialDelaySeconds + periodSeconds × failureThreshold) below this many seconds are too short for a slow starter without a startupProbe.',
    },
    slowStartImages: {
      type: 'string[]',
      default: [
        'spring', 'keycloak', 'elasticsearch', 'opensearch', 'logstash', 'jenkins', 'sonarqube', 'kafka', 'zookeeper',
        'cassandra', 'solr', 'nexus', 'artifactory', 'tomcat', 'wildfly', 'jboss', 'nifi', 'neo4j', 'graylog',
        'confluence', 'jira', 'bitbucket',
      ],
      description: 'Image name parts (prefix match on the "-"/"_"/"."-separated parts of the image name and organisation) of products known to start slowly.',
    },
    requireSlowStartHint: {
      type: 'boolean',
      default: true,
      description: 'Only flag containers known to start slowly (JVM or slowStartImages); false flags every short liveness budget without a startupProbe.',
    },
  },
  target: 'workload',
  run({ workload, params }) {
    const out: FindingInput[] = [];
    const min = typeof params.minStartupSeconds === 'number' ? params.minStartupSeconds : 60;
    const images = Array.isArray(params.slowStartImages) ? params.slowStartImages.filter((s): s is string => typeof s === 'string') : [];
    const requireHint = params.requireSlowStartHint !== false;
    for (const c of workload?.containers ?? []) {
      if (!c.longRunning) continue;
      const live = probeOf(c, 'livenessProbe');
      if (!live || hasProbe(c, 'startupProbe')) continue;
      const delay = timing(live, 'initialDelaySeconds');
      const period = timing(live, 'periodSeconds');
      const failures = timing(live, 'failureThreshold');
      if (delay === undefined || period === undefined || failures === undefined) continue;
      const budget = Math.max(0, delay) + period * failures;
      if (budget >= min) continue;
      const hint = slowStartHint(c, images);
      if (requireHint && !hint) continue;
      const fields = `initialDelaySeconds ${delay} + periodSeconds ${period} × failureThreshold ${failures}`;
      const dflt = isSet(live, 'initialDelaySeconds') || isSet(live, 'periodSeconds') || isSet(live, 'failureThreshold') ? '' : ', the defaults';
      out.push({
        message: `container "${c.name}"${hint ? ` (${hint})` : ''} has no startupProbe and its livenessProbe kills it if it is not answering within ~${budget}s (${fields}${dflt}), below ${min}s`,
        path: [...c.path, 'livenessProbe'],
        container: c.name,
      });
    }
    return out;
  },
});
