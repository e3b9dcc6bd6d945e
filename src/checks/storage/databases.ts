/** Database-image detection shared by the storage checks. */
import type { Json, JsonObject } from '../../model/types.js';
import { getString, isObject, parseImage } from '../../model/util.js';

/** Image names (last path segment of the repository) that store data. */
export const DATABASE_IMAGES = [
  'postgres', 'postgresql', 'postgis', 'timescaledb', 'timescaledb-ha', 'pgvector', 'postgresql-repmgr',
  'mysql', 'mysql-server', 'percona-server', 'percona-xtradb-cluster', 'mariadb', 'mariadb-galera',
  'mongo', 'mongodb', 'mongodb-community-server', 'percona-server-mongodb',
  'elasticsearch', 'opensearch', 'solr', 'kafka', 'cp-kafka', 'cp-server', 'zookeeper', 'cp-zookeeper', 'rabbitmq', 'etcd',
  'cassandra', 'scylla', 'minio', 'clickhouse', 'clickhouse-server', 'cockroach', 'neo4j', 'influxdb', 'couchdb', 'arangodb', 'questdb',
];

/** Image names often run as caches. */
export const CACHE_IMAGES = ['redis', 'redis-stack-server', 'redis-cluster', 'valkey', 'valkey-cluster', 'keydb'];

/** Client tools: a database image running one of these is a client, not a server. */
const CLIENTS = new Set([
  'psql', 'pg_dump', 'pg_dumpall', 'pg_restore', 'pg_isready', 'mysql', 'mysqldump', 'mysqladmin', 'mariadb-dump', 'mongosh', 'mongo',
  'mongodump', 'mongorestore', 'redis-cli', 'valkey-cli', 'mc', 'cqlsh', 'clickhouse-client', 'sleep', 'tail',
]);

/** Words of command + args, keeping empty strings (so `--save ""` is visible). */
export function words(c: JsonObject): string[] {
  const out: string[] = [];
  for (const key of ['command', 'args']) {
    const v: Json | undefined = c[key];
    if (!Array.isArray(v)) continue;
    for (const item of v) {
      if (typeof item !== 'string') continue;
      if (item.trim() === '') out.push('');
      else out.push(...item.split(/\s+/).filter(Boolean));
    }
  }
  return out;
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);
const base = (w: string) => w.slice(w.lastIndexOf('/') + 1);

/** The program the container runs: the first word, or the first word of a `sh -c "..."` script (after `exec`). */
export function runsClient(c: JsonObject): boolean {
  const w = words(c);
  let i = 0;
  if (w[0] !== undefined && SHELLS.has(base(w[0]))) {
    const script = w.indexOf('-c');
    if (script === -1) return false;
    i = script + 1;
  }
  while (w[i] === 'exec') i++;
  const first = w[i];
  if (!first || first.startsWith('-')) return false;
  return CLIENTS.has(base(first));
}

/**
 * A Redis/Valkey Sentinel: it monitors the servers and keeps no dataset (`redis-sentinel`,
 * `redis-server sentinel.conf --sentinel`, or a container whose only port is Sentinel's 26379).
 */
export function runsSentinel(c: JsonObject): boolean {
  const w = words(c);
  if (w.includes('--sentinel') || w.some((x) => base(x) === 'redis-sentinel' || base(x) === 'valkey-sentinel')) return true;
  const ports = Array.isArray(c.ports) ? c.ports.filter(isObject).map((p) => p.containerPort) : [];
  return ports.length > 0 && ports.every((p) => p === 26379);
}

/** Lowercased set of a string[] param (config can hold anything). */
export function imageSet(v: unknown): Set<string> {
  return new Set((Array.isArray(v) ? v : []).filter((s) => typeof s === 'string').map((s) => String(s).toLowerCase()));
}

/**
 * The database image name a container runs as a server (not a client tool, not an exporter),
 * or undefined. `images` holds lowercased image names.
 */
export function databaseServer(c: JsonObject, images: Set<string>): string | undefined {
  const image = getString(c, ['image']);
  if (!image) return undefined;
  const name = parseImage(image).name;
  if (name.includes('exporter') || !images.has(name)) return undefined;
  if (runsClient(c)) return undefined;
  return name;
}
