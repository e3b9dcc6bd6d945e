/**
 * Processes that serve Prometheus metrics without being asked to: the image (or its command) is
 * known to open a `/metrics` endpoint by default, so a workload that runs one exposes metrics whether
 * or not a port is named for them. What is then missing is the scrape, not the endpoint.
 *
 * Each entry is a documented default of the software, kept short on purpose (a wrong entry hides a
 * real finding):
 * - ingress-nginx controller: `--enable-metrics` defaults to true; metrics are served on the status
 *   port (`--healthz-port`, 10254) at /metrics (ingress-nginx docs, command line arguments).
 * - vLLM's OpenAI-compatible server (`vllm serve`, `vllm.entrypoints.openai.api_server`, the
 *   vllm-openai image): /metrics on the API port (`--port`, 8000), always on (vLLM docs, metrics).
 * - Hugging Face Text Generation Inference: /metrics on its API port (`--port`), always on (TGI docs).
 * - Grafana: `[metrics] enabled = true` by default, /metrics on the HTTP port (3000); off only with
 *   `GF_METRICS_ENABLED=false`.
 * - Prometheus server: its own /metrics on the web port (`--web.listen-address`, 9090).
 *
 * Model module: imports only from `src/model`.
 */
import type { ContainerRef, FieldPath } from './types.js';
import { commandWords, getString, literalEnv, parseImage } from './util.js';

export interface DefaultMetrics {
  /** What serves them, for messages: `ingress-nginx controller "controller" (--enable-metrics defaults to true) on port 10254`. */
  text: string;
  /** The field that shows it: the image. */
  path: FieldPath;
}

/** The value of a flag (`--port=8000`, `--port 8000`), the last one given; undefined when absent. */
function flagValue(words: string[], name: string): string | undefined {
  let out: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === name) out = words[i + 1];
    else if (w.startsWith(`${name}=`)) out = w.slice(name.length + 1);
  }
  return out?.replace(/^["']|["']$/g, '');
}

function portOf(value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  const m = /^(?:.*:)?(\d{1,5})$/.exec(value);
  return m ? Number(m[1]) : undefined;
}

/** The literal value of an env variable (the last entry of the name wins, as the kubelet has it). */
function envValue(c: ContainerRef, name: string): string | undefined {
  return literalEnv(c.spec).filter((e) => e.name === name).pop()?.value;
}

const on = (port: number | undefined) => (port !== undefined ? ` on port ${port}` : '');

/** The metrics endpoint this container's software serves by default, if it is one of the known ones and it is not switched off. */
export function defaultMetrics(c: ContainerRef): DefaultMetrics | null {
  const image = getString(c.spec, ['image']);
  if (!image) return null;
  const ref = parseImage(image);
  const repo = ref.repository.toLowerCase();
  const words = commandWords(c.spec);
  const path = [...c.path, 'image'];
  if (/(^|\/)ingress-nginx\/controller(-chroot)?$/.test(repo)) {
    const enabled = flagValue(words, '--enable-metrics');
    if (enabled !== undefined && enabled !== 'true') return null;
    const port = portOf(flagValue(words, '--healthz-port'), 10254);
    return { text: `the ingress-nginx controller in container "${c.name}" (--enable-metrics defaults to true)${on(port)}`, path };
  }
  const vllmCommand = words.includes('vllm.entrypoints.openai.api_server') || words.some((w, i) => /(^|\/)vllm$/.test(w) && words[i + 1] === 'serve');
  if (ref.name === 'vllm-openai' || vllmCommand) {
    const port = portOf(flagValue(words, '--port'), 8000);
    return { text: `vLLM's OpenAI-compatible server in container "${c.name}" (always serves /metrics on its API port)${on(port)}`, path };
  }
  if (/text-generation-inference|^tgi(-|$)/.test(ref.name)) {
    const port = portOf(flagValue(words, '--port') ?? envValue(c, 'PORT'), undefined);
    return { text: `Text Generation Inference in container "${c.name}" (always serves /metrics on its API port)${on(port)}`, path };
  }
  if (/(^|\/)grafana\/grafana(-oss|-enterprise)?$/.test(repo)) {
    if (envValue(c, 'GF_METRICS_ENABLED')?.toLowerCase() === 'false') return null;
    const port = portOf(envValue(c, 'GF_SERVER_HTTP_PORT'), 3000);
    return { text: `Grafana in container "${c.name}" (metrics are enabled by default)${on(port)}`, path };
  }
  if (/(^|\/)(prom|prometheus)\/prometheus$/.test(repo)) {
    const port = portOf(flagValue(words, '--web.listen-address'), 9090);
    return { text: `the Prometheus server in container "${c.name}" (its own /metrics)${on(port)}`, path };
  }
  return null;
}
