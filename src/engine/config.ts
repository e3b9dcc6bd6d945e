/** .kubeready.yaml: discovery, validation (JSON Schema, built from check metadata) and resolution. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ErrorObject, Ajv as AjvInstance } from 'ajv';

type AjvClass = new (opts: { allErrors: boolean; strict: boolean }) => AjvInstance;
import type { Check, Severity } from '../checks/types.js';
import { parseYaml, LineIndex, posItem, posKey, posStart, type Json, type PositionTable } from '../sources/yaml.js';
import { isObject } from '../model/util.js';

export const CONFIG_FILES = ['.kubeready.yaml', '.kubeready.yml'];

export interface ExemptionRule {
  checks: string[];
  namespaces: string[];
  kinds: string[];
  names: string[];
  containers: string[];
  reason: string;
  /** Where the rule was written, for messages. */
  where: string;
}

export interface CheckSetting {
  enabled?: boolean;
  severity?: Severity;
  params?: Record<string, unknown>;
}

export interface Config {
  file: string | null;
  failOn?: Severity | 'none';
  namespace?: string;
  checks: Record<string, CheckSetting>;
  exemptions: ExemptionRule[];
  /** The input holds everything in these namespaces (true: in all of them): nothing is "not in input". */
  complete?: boolean | string[];
  /** Prices for the cost envelope (`cost:`); unset keys take DEFAULT_PRICES (src/model/cost.ts). */
  cost?: CostConfig;
}

/** The `cost:` block: every key optional. */
export interface CostConfig {
  /** Price of one vCPU of request for one hour. */
  cpuPerHour?: number;
  /** Price of one GiB of memory request for one hour. */
  memoryGiBPerHour?: number;
  /** Currency shown with the figures (e.g. USD, EUR). */
  currency?: string;
  /** Hours in a month (730 by default). */
  hoursPerMonth?: number;
}

export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

export function emptyConfig(): Config {
  return { file: null, checks: {}, exemptions: [] };
}

/** Look for .kubeready.yaml from `start` upward. */
export function findConfig(start: string): string | null {
  let dir = resolve(start);
  for (;;) {
    for (const name of CONFIG_FILES) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

const SEVERITY = { enum: ['error', 'warning', 'info'] };

function paramSchema(type: string): object {
  switch (type) {
    case 'number':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'string[]':
      return { type: 'array', items: { type: 'string' } };
    default:
      return { type: 'string' };
  }
}

/** The JSON Schema of the config file for this set of checks (also published in docs/config.schema.json). */
export function configSchema(checks: Check[]): object {
  const checkProps: Record<string, object> = {};
  for (const c of checks) {
    const params: Record<string, object> = {};
    for (const [name, spec] of Object.entries(c.params ?? {})) params[name] = { ...paramSchema(spec.type), description: spec.description };
    checkProps[c.id] = {
      oneOf: [
        { enum: ['off', 'error', 'warning', 'info'] },
        // YAML 1.1 (which kubectl's decoder follows, and so does ours) reads an unquoted \`off\` as
        // false and \`on\` as true: \`check-id: off\` must mean what it says.
        { type: 'boolean', description: 'false (or off): the check does not run; true: it runs at its default severity' },
        {
          type: 'object',
          additionalProperties: false,
          properties: {
            enabled: { type: 'boolean' },
            severity: SEVERITY,
            params: { type: 'object', additionalProperties: false, properties: params },
          },
        },
      ],
    };
  }
  const stringList = { type: 'array', items: { type: 'string', minLength: 1 } };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'kubeready configuration (.kubeready.yaml)',
    type: 'object',
    additionalProperties: false,
    properties: {
      failOn: { enum: ['error', 'warning', 'info', 'none'] },
      complete: {
        description: 'The input holds every object of these namespaces (true: of all namespaces), so an object that is not in it does not exist.',
        oneOf: [{ type: 'boolean' }, { type: 'array', items: { type: 'string', minLength: 1 } }],
      },
      namespace: { type: 'string', minLength: 1 },
      cost: {
        description: 'Prices for the monthly cost estimate of the requested CPU and memory (defaults: AWS Fargate on-demand, Linux/x86, us-east-1, in USD).',
        type: 'object',
        additionalProperties: false,
        properties: {
          cpuPerHour: { type: 'number', minimum: 0, description: 'Price of one vCPU of request for one hour.' },
          memoryGiBPerHour: { type: 'number', minimum: 0, description: 'Price of one GiB of memory request for one hour.' },
          currency: { type: 'string', minLength: 1, maxLength: 10, description: 'Currency shown with the figures (USD, EUR, ...).' },
          hoursPerMonth: { type: 'number', exclusiveMinimum: 0, maximum: 744, description: 'Hours in a month (default 730 = 8760 / 12).' },
        },
      },
      checks: { type: 'object', additionalProperties: false, properties: checkProps },
      exemptions: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['reason'],
          properties: {
            checks: stringList,
            namespaces: stringList,
            kinds: stringList,
            names: stringList,
            containers: stringList,
            reason: { type: 'string', minLength: 1 },
          },
        },
      },
    },
  };
}

function pointerToPath(ptr: string): (string | number)[] {
  if (!ptr) return [];
  return ptr
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function lineOf(root: Json, positions: PositionTable, lines: LineIndex, path: (string | number)[]): number | null {
  let cur: Json = root;
  const rootPos = isObject(root) ? positions.get(root) : undefined;
  let off: number | null = rootPos ? posStart(rootPos) : null;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') break;
    const pos = positions.get(cur as object);
    if (Array.isArray(cur)) {
      if (typeof p !== 'number' || p >= cur.length) break;
      off = posItem(pos, p) ?? off;
      cur = cur[p];
    } else {
      if (!Object.prototype.hasOwnProperty.call(cur, p)) break;
      off = (typeof p === 'string' ? posKey(pos, p) : undefined) ?? off;
      cur = (cur as Record<string, Json>)[p as string];
    }
  }
  return off === null ? null : lines.locate(off).line;
}

function describe(e: ErrorObject): { path: string; message: string } {
  const path = e.instancePath
    ? pointerToPath(e.instancePath)
        .map((p) => String(p))
        .join('.')
    : '(top level)';
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    return { path: path === '(top level)' ? extra : `${path}.${extra}`, message: 'unknown key' };
  }
  if (e.keyword === 'enum') return { path, message: `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` };
  if (e.keyword === 'required') return { path, message: `missing required key "${(e.params as { missingProperty: string }).missingProperty}"` };
  return { path, message: e.message ?? 'invalid' };
}

/** The value at a path of the parsed configuration (undefined when absent). */
function valueAt(root: Json, path: (string | number)[]): Json | undefined {
  let at: Json | undefined = root;
  for (const p of path) at = isObject(at) ? at[String(p)] : Array.isArray(at) ? at[Number(p)] : undefined;
  return at;
}

/** Parse and validate config text. Throws ConfigError with one line per problem: file:line: key: what is wrong. */
export async function parseConfig(text: string, file: string, checks: Check[]): Promise<Config> {
  const parsed = parseYaml(text);
  const lines = new LineIndex(text);
  const errs = parsed.diagnostics.filter((d) => d.level === 'error');
  if (errs.length) throw new ConfigError(errs.map((d) => `${file}:${lines.locate(d.offset).line}: ${d.message}`));
  const root: Json = parsed.docs[0]?.value ?? {};
  if (!isObject(root)) throw new ConfigError([`${file}:1: the configuration must be a mapping`]);
  // Loaded only when there is a configuration to validate: keeps start-up fast.
  // ajv is CommonJS: Node's loader exposes its named export, a bundle may only give `default`
  // (the module.exports object, or the class itself).
  const mod = (await import('ajv')) as unknown as { Ajv?: AjvClass; default?: AjvClass | { Ajv?: AjvClass } };
  const Ajv: AjvClass | undefined = mod.Ajv ?? (typeof mod.default === 'function' ? mod.default : mod.default?.Ajv);
  if (!Ajv) throw new Error('the ajv module exports no Ajv class');
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(configSchema(checks));
  if (!validate(root)) {
    const seen = new Set<string>();
    const out: string[] = [];
    // oneOf failures repeat the same problem several times; report the most specific one per key:
    // for a check's setting, the errors of the branch its value's type belongs to (an object's own
    // errors, not "must be one of off, error, ..."; for anything else, that enum).
    const errors = (validate.errors ?? []).filter((e) => {
      if (e.keyword === 'oneOf') return false;
      if (/\/checks\/properties\/[^/]+\/oneOf\/0\/enum$/.test(e.schemaPath)) return !isObject(valueAt(root, pointerToPath(e.instancePath)));
      return !/\/checks\/properties\/[^/]+\/oneOf\/[12]\/type$/.test(e.schemaPath);
    });
    for (const e of errors) {
      const d = describe(e);
      const path = e.keyword === 'additionalProperties' ? [...pointerToPath(e.instancePath), (e.params as { additionalProperty: string }).additionalProperty] : pointerToPath(e.instancePath);
      const line = lineOf(root, parsed.positions, lines, path);
      const key = `${line}:${d.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const hint = d.message === 'unknown key' && path[0] === 'checks' && path.length === 2 ? ' (no check has this id; `kubeready checks` lists them)' : '';
      out.push(`${file}:${line ?? 1}: ${d.path}: ${d.message}${hint}`);
    }
    throw new ConfigError(out);
  }
  const cfg: Config = { file, checks: {}, exemptions: [] };
  if (typeof root.failOn === 'string') cfg.failOn = root.failOn as Config['failOn'];
  if (typeof root.namespace === 'string') cfg.namespace = root.namespace;
  if (typeof root.complete === 'boolean') cfg.complete = root.complete;
  else if (Array.isArray(root.complete)) cfg.complete = root.complete.filter((x): x is string => typeof x === 'string');
  if (isObject(root.cost)) {
    const c = root.cost;
    const cost: CostConfig = {};
    if (typeof c.cpuPerHour === 'number') cost.cpuPerHour = c.cpuPerHour;
    if (typeof c.memoryGiBPerHour === 'number') cost.memoryGiBPerHour = c.memoryGiBPerHour;
    if (typeof c.currency === 'string') cost.currency = c.currency;
    if (typeof c.hoursPerMonth === 'number') cost.hoursPerMonth = c.hoursPerMonth;
    cfg.cost = cost;
  }
  if (isObject(root.checks)) {
    for (const [id, v] of Object.entries(root.checks)) {
      if (typeof v === 'boolean') cfg.checks[id] = { enabled: v };
      else if (typeof v === 'string') cfg.checks[id] = v === 'off' ? { enabled: false } : { severity: v as Severity };
      else if (isObject(v)) {
        cfg.checks[id] = {
          enabled: typeof v.enabled === 'boolean' ? v.enabled : undefined,
          severity: typeof v.severity === 'string' ? (v.severity as Severity) : undefined,
          params: isObject(v.params) ? (v.params as Record<string, unknown>) : undefined,
        };
      }
    }
  }
  if (Array.isArray(root.exemptions)) {
    root.exemptions.forEach((e, i) => {
      if (!isObject(e)) return;
      const list = (k: string) => (Array.isArray(e[k]) ? (e[k] as Json[]).filter((x): x is string => typeof x === 'string') : []);
      const ids = list('checks');
      const known = new Set(checks.map((c) => c.id));
      for (const id of ids) {
        if (!known.has(id) && id !== '*') throw new ConfigError([`${file}:${lineOf(root, parsed.positions, lines, ['exemptions', i, 'checks']) ?? 1}: exemptions.${i}.checks: unknown check "${id}"`]);
      }
      cfg.exemptions.push({
        checks: ids,
        namespaces: list('namespaces'),
        kinds: list('kinds'),
        names: list('names'),
        containers: list('containers'),
        reason: String(e.reason),
        where: `${file}:${lineOf(root, parsed.positions, lines, ['exemptions', i]) ?? 1}`,
      });
    });
  }
  return cfg;
}

export async function loadConfigFile(file: string, checks: Check[], cwd?: string): Promise<Config> {
  let text: string;
  try {
    text = readFileSync(cwd === undefined ? file : resolve(cwd, file), 'utf8');
  } catch (e) {
    throw new ConfigError([`${file}: cannot read the configuration: ${(e as Error).message}`]);
  }
  return parseConfig(text, file, checks);
}
