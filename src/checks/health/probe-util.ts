/**
 * Shared, total helpers for the health checks: reading probes, their handlers, their timing
 * (with the API server's defaults) and the container's declared ports. Not a check module.
 */
import type { ContainerRef, Json, JsonObject, Workload } from '../../model/types.js';
import { get, getString, isObject } from '../../model/util.js';
import { declaredPorts, HEALTH_PORT, isTelemetryPort } from '../../model/ports.js';

export { declaredPorts, telemetryPortsOnly, type DeclaredPort } from '../../model/ports.js';

export const PROBE_KINDS = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;

/**
 * What a probe that can never run does: every attempt is a prober error (a port name that does not
 * resolve, an executable that does not exist), which the kubelet records as an event and discards,
 * so the probe keeps its initial result (pkg/kubelet/prober/worker.go): liveness Success, readiness
 * Failure, startup Unknown.
 */
export function neverRuns(kind: (typeof PROBE_KINDS)[number]): string {
  if (kind === 'livenessProbe') return 'every attempt is an error that the kubelet discards, so liveness never fails (a hung container is never restarted)';
  if (kind === 'readinessProbe') return 'every attempt is an error that the kubelet discards, so readiness never passes (the pod never gets Service traffic)';
  return 'every attempt is an error that the kubelet discards, so the container never counts as started (the pod never becomes Ready, its other probes never run)';
}
export type ProbeKind = (typeof PROBE_KINDS)[number];

export const HANDLER_TYPES = ['httpGet', 'tcpSocket', 'grpc', 'exec'] as const;
export type HandlerType = (typeof HANDLER_TYPES)[number];

/** "livenessProbe" -> "liveness". */
export function probeLabel(kind: ProbeKind): string {
  return kind.replace(/Probe$/, '');
}

/** True when the container sets this probe (any non-null value: a patch may hold only timing fields). */
export function hasProbe(c: ContainerRef, kind: ProbeKind): boolean {
  const v = c.spec[kind];
  return v !== undefined && v !== null;
}

/** The probe object, when it is one. */
export function probeOf(c: ContainerRef, kind: ProbeKind): JsonObject | undefined {
  const v = c.spec[kind];
  return isObject(v) ? v : undefined;
}

/** Handler types set on a probe (non-null values only). */
export function handlerTypes(probe: JsonObject): HandlerType[] {
  return HANDLER_TYPES.filter((t) => probe[t] !== undefined && probe[t] !== null);
}

/** The single handler of a probe, when it has exactly one and it is an object. */
export function singleHandler(probe: JsonObject): { type: HandlerType; spec: JsonObject } | undefined {
  const types = handlerTypes(probe);
  if (types.length !== 1) return undefined;
  const spec = probe[types[0]];
  return isObject(spec) ? { type: types[0], spec } : undefined;
}

/** Probe timing fields with their API defaults (unset or 0 takes the default, as the API server defaults them). */
export const TIMING_DEFAULTS = {
  initialDelaySeconds: 0,
  periodSeconds: 10,
  timeoutSeconds: 1,
  failureThreshold: 3,
  successThreshold: 1,
} as const;
export type TimingField = keyof typeof TIMING_DEFAULTS;

/**
 * A timing field's effective value: the default when unset/null/0, the number when set, and
 * undefined when it holds something that is not a non-negative number (an unrendered template, a typo):
 * then it cannot be evaluated and checks stay silent.
 */
export function timing(probe: JsonObject, field: TimingField): number | undefined {
  const v = probe[field];
  if (v === undefined || v === null) return TIMING_DEFAULTS[field];
  // Not a number (an unrendered template) or negative (the API server rejects it): not evaluable.
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return undefined;
  if (v === 0 && field !== 'initialDelaySeconds') return TIMING_DEFAULTS[field];
  return v;
}

/**
 * Seconds of continuous failure before the probe acts (failureThreshold x periodSeconds, defaults 3 x 10);
 * undefined when a field cannot be read.
 */
export function failureBudget(probe: JsonObject): number | undefined {
  const n = timing(probe, 'failureThreshold');
  const period = timing(probe, 'periodSeconds');
  return n === undefined || period === undefined ? undefined : n * period;
}

/** True when the field is written in the manifest (not defaulted). */
export function isSet(probe: JsonObject, field: TimingField): boolean {
  const v = probe[field];
  return v !== undefined && v !== null;
}

/** True when the container declares at least one containerPort. */
export function declaresPorts(c: ContainerRef): boolean {
  return declaredPorts(c).some((p) => p.containerPort !== undefined);
}

/** A probe port resolved against the container's own ports (the kubelet looks only there). */
export function resolvePort(c: ContainerRef, port: Json | undefined): number | undefined {
  if (typeof port === 'number') return port;
  if (typeof port !== 'string') return undefined;
  return declaredPorts(c).find((p) => p.name === port)?.containerPort;
}

/** Human form of a port value: 8080 or "http". */
export function showPort(port: Json | undefined): string {
  return typeof port === 'string' ? `"${port}"` : String(port);
}

/** Host set on an httpGet/tcpSocket handler (then the probe targets another address). */
export function handlerHost(h: JsonObject): string | undefined {
  const host = getString(h, ['host']);
  return host && host.trim() !== '' ? host : undefined;
}

/** Exec command as a string list, or undefined when it is not one. */
export function execCommand(h: JsonObject): string[] | undefined {
  const cmd = get(h, ['command']);
  if (!Array.isArray(cmd)) return undefined;
  const out: string[] = [];
  for (const w of cmd) {
    if (typeof w === 'string') out.push(w);
    else if (typeof w === 'number' || typeof w === 'boolean') out.push(String(w));
    else return undefined;
  }
  return out;
}

/** A short human description of a handler: "GET /healthz on port 8080", "exec [cat, /tmp/ok]". */
export function describeHandler(type: HandlerType, h: JsonObject): string {
  switch (type) {
    case 'httpGet': {
      const path = getString(h, ['path']) || '/';
      const scheme = (getString(h, ['scheme']) ?? 'HTTP').toUpperCase() === 'HTTPS' ? 'HTTPS' : 'HTTP';
      return `${scheme} GET ${path} on port ${showPort(h.port)}`;
    }
    case 'tcpSocket':
      return `TCP connect to port ${showPort(h.port)}`;
    case 'grpc': {
      const service = getString(h, ['service']);
      return `gRPC health check on port ${showPort(h.port)}${service ? ` (service "${service}")` : ''}`;
    }
    case 'exec': {
      const cmd = execCommand(h);
      return cmd ? `exec ${JSON.stringify(cmd)}` : 'exec';
    }
  }
}

/** Workload is a Knative Service/Configuration/Revision: Knative defaults a readiness probe itself. */
export function isKnative(apiVersion: string): boolean {
  return apiVersion.startsWith('serving.knative.dev/');
}

/**
 * Port numbers that a probe of these kinds of any long-running container of the pod checks on the pod's
 * own address (no \`host\`): containers share the pod's network, and the pod is Ready (an endpoint) only
 * when every container is, so a probe of a port another container serves (a proxy probing the app's
 * port) gates that container too.
 */
export function probedPorts(w: Workload, kinds: readonly ProbeKind[]): Set<number> {
  const out = new Set<number>();
  for (const c of w.containers) {
    if (!c.longRunning) continue;
    for (const kind of kinds) {
      const probe = probeOf(c, kind);
      const h = probe ? singleHandler(probe) : undefined;
      if (!h || h.type === 'exec' || handlerHost(h.spec) !== undefined) continue;
      const port = resolvePort(c, h.spec.port);
      if (port !== undefined) out.add(port);
    }
  }
  return out;
}

/**
 * The port a new probe of `c` should use, as the probe writes it: a TCP port it declares named as a
 * health port, else its first one that is not a metrics or health port, else its first; by name when
 * it has one. Undefined when it declares no TCP port.
 */
export function probePort(c: ContainerRef): string | number | undefined {
  const raw = Array.isArray(c.spec.ports) ? c.spec.ports : [];
  const tcp = declaredPorts(c).filter((p) => {
    const protocol = isObject(raw[p.index]) ? (raw[p.index] as JsonObject).protocol : undefined;
    return p.containerPort !== undefined && (typeof protocol !== 'string' || protocol.toUpperCase() === 'TCP');
  });
  const pick = tcp.find((p) => p.name !== undefined && HEALTH_PORT.test(p.name)) ?? tcp.find((p) => !isTelemetryPort(p)) ?? tcp[0];
  return pick === undefined ? undefined : (pick.name ?? pick.containerPort);
}

/** `port: X` for a probe of `c` (YAML), with what to put there when the container declares no port. */
function portLine(c: ContainerRef, port?: string | number): string {
  const p = port ?? probePort(c);
  return p === undefined ? 'port: 8080   # the port it listens on (it declares none)' : `port: ${typeof p === 'number' ? p : /^[0-9]/.test(p) ? JSON.stringify(p) : p}`;
}

/**
 * The probe to add to `c`, relative to the container: liveness as a TCP connect to its port (it
 * fails only when the process stops answering, never for a dependency); readiness as an HTTP check
 * of that port, whose path is the app's own "can serve" endpoint.
 */
export function probeSnippet(c: ContainerRef, kind: 'livenessProbe' | 'readinessProbe', port?: string | number): string {
  if (kind === 'livenessProbe') return `livenessProbe:\n  tcpSocket:\n    ${portLine(c, port)}\n  periodSeconds: 10\n  failureThreshold: 3`;
  return `readinessProbe:\n  httpGet:\n    path: /ready   # the app's endpoint that answers 200 only when it can serve\n    ${portLine(c, port)}\n  periodSeconds: 5\n  failureThreshold: 3`;
}
