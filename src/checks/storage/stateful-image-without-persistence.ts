import { defineCheck, type FindingInput } from '../types.js';
import { parseImage, getString } from '../../model/util.js';
import type { JsonObject } from '../../model/types.js';
import { CACHE_IMAGES, DATABASE_IMAGES, runsClient, runsSentinel, words } from './databases.js';
import { claimTemplateNames, mountsOf, POD_LIFETIME_SOURCES, volumeSource, volumesByName } from './volumes.js';

interface Params {
  images: string[];
  cacheImages: string[];
}

/** redis/valkey started with `--save ""` and without `--appendonly yes`: persistence is switched off on purpose. */
function persistenceDisabled(c: JsonObject): boolean {
  const w = words(c);
  const save = w.indexOf('--save');
  if (save === -1 || !['', '""', "''"].includes(w[save + 1] ?? '')) return false;
  const aof = w.indexOf('--appendonly');
  return !(aof !== -1 && w[aof + 1] === 'yes');
}

export default defineCheck<Params>({
  id: 'stateful-image-without-persistence',
  pillar: 'storage',
  severity: 'error',
  title: 'Database container has no persistent volume',
  whatBreaks:
    'The database writes to the container\'s filesystem or an emptyDir, both deleted with the pod. The next node drain, eviction, rollout or crash on another node starts it empty: every row is gone.',
  details: `Reported when a long-running container runs a database-like image (matched on the image name, the last path segment of the repository, ignoring registry and tag: \`docker.io/bitnami/postgresql:16\` is \`postgresql\`) and none of its volume mounts is backed by storage that outlives the pod. Pod-lifetime volumes are \`emptyDir\`, generic \`ephemeral\` volumes, \`configMap\`, \`secret\`, \`downwardAPI\`, \`projected\` and \`image\`. A \`persistentVolumeClaim\`, a StatefulSet \`volumeClaimTemplates\` entry, \`hostPath\` (see host-path-data) or any network/CSI volume counts as persistent. A volume with no source at all is the \`emptyDir\` the API server makes of it (SetDefaults_Volume). A mount whose volume is not in the object (a patch or fragment) is assumed persistent.

This applies to every kind, StatefulSets included: a StatefulSet whose database does not mount its claim template loses data the same way. Deployments with one PVC are fine here (watch for RWO volumes with several replicas or RollingUpdate).

Not reported: init containers, batch workloads (a \`postgres\` image running \`pg_dump\` in a CronJob), containers whose command is a client tool (\`psql\`, \`redis-cli\`, \`mysqldump\`, ...), exporters (any image name containing \`exporter\`), redis/valkey started with \`--save ""\` (persistence off on purpose), and Redis/Valkey Sentinels (\`redis-sentinel\`, \`--sentinel\`, or a container whose only port is 26379): they keep no dataset.

Images in \`cacheImages\` (redis, valkey, ...) are reported as warnings: many run as pure caches that are rebuilt from the source of truth. If yours holds sessions, queues, rate-limit counters or anything you cannot rebuild, give it a volume; if it is a cache, start it with \`--save ""\` or exempt it. Edit \`images\`/\`cacheImages\` to match your registry's names.`,
  fix: {
    text: 'Run the database as a StatefulSet with volumeClaimTemplates mounted at its data directory (or use a managed database / an operator).',
    yaml: `kind: StatefulSet
spec:
  template:
    spec:
      containers:
        - name: db
          image: postgres:16
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: ["ReadWriteOnce"]
        resources:
          requests:
            storage: 20Gi`,
  },
  params: {
    images: {
      type: 'string[]',
      default: [...DATABASE_IMAGES],
      description: 'Image names (last path segment of the repository, lowercase) that store data and are reported as errors.',
    },
    cacheImages: {
      type: 'string[]',
      default: [...CACHE_IMAGES],
      description: 'Image names often run as caches: reported as warnings, with honest wording.',
    },
  },
  target: 'workload',
  classes: ['service', 'daemon', 'pod'],
  run({ workload, params }) {
    const w = workload!;
    const images = new Set((Array.isArray(params.images) ? params.images : []).map((s) => String(s).toLowerCase()));
    const caches = new Set((Array.isArray(params.cacheImages) ? params.cacheImages : []).map((s) => String(s).toLowerCase()));
    const volumes = volumesByName(w);
    const templates = claimTemplateNames(w);
    const out: FindingInput[] = [];
    const persistedImages = new Set<string>();
    const byImage = new Map<string, FindingInput>();
    for (const c of w.containers) {
      if (c.type === 'init') continue;
      const image = getString(c.spec, ['image']);
      if (!image) continue;
      const name = parseImage(image).name;
      if (name.includes('exporter')) continue;
      const cache = caches.has(name);
      if (!cache && !images.has(name)) continue;
      if (runsClient(c.spec) || (cache && runsSentinel(c.spec))) continue;
      if (cache && persistenceDisabled(c.spec)) continue;
      const podLifetime: string[] = [];
      let persistent = false;
      for (const m of mountsOf(c.spec)) {
        const v = volumes.get(m.name);
        if (!v) {
          // claim template, or a volume defined elsewhere (patch): assume it persists.
          persistent = true;
          break;
        }
        const src = volumeSource(v);
        if (src && POD_LIFETIME_SOURCES.has(src)) {
          if ((src === 'emptyDir' || src === 'ephemeral') && !m.readOnly) podLifetime.push(`${src} "${m.name}"${m.mountPath ? ` at ${m.mountPath}` : ''}`);
          continue;
        }
        persistent = true;
        break;
      }
      // Several containers of one image in a pod (a server with its sentinel or helper scripts): one
      // finding, and none when any of them keeps its data on a persistent volume.
      if (persistent) {
        persistedImages.add(name);
        continue;
      }
      if (byImage.has(name)) continue;
      const where = podLifetime.length > 0
        ? `its only writable volumes are ${podLifetime.join(', ')}, deleted with the pod`
        : 'it has no persistent volume, so its data lives in the container filesystem';
      const kind = w.resource.kind;
      const hint = templates.size > 0
        ? ` (volumeClaimTemplates ${[...templates].map((t) => `"${t}"`).join(', ')} exist but are not mounted by it)`
        : kind === 'StatefulSet' ? '' : ` (as a ${kind}; a StatefulSet with volumeClaimTemplates keeps a volume per pod)`;
      byImage.set(
        name,
        cache
          ? {
              message: `container "${c.name}" runs ${name} (image "${image}") and ${where}: if it holds data you need (sessions, queues, counters), it is lost whenever the pod is rescheduled; if it is a pure cache, start it with --save "" or exempt it`,
              path: [...c.path, 'volumeMounts'],
              container: c.name,
              severity: 'warning',
            }
          : {
              message: `container "${c.name}" runs ${name} (image "${image}") and ${where}${hint}: the data is gone when the pod is deleted, evicted or rescheduled`,
              path: [...c.path, 'volumeMounts'],
              container: c.name,
            },
      );
    }
    for (const [name, f] of byImage) if (!persistedImages.has(name)) out.push(f);
    return out;
  },
});
