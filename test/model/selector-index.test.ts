/**
 * The selector indexes (Services by their rarest pair, PDB candidates by pair, workloads by pair)
 * answer exactly what a scan of every object of the namespace answers, in the same order. Random
 * namespaces (fast-check, fixed seed) with few label keys and values, so selectors overlap a lot.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ResourceIndex } from '../../src/model/index.js';
import { pdbSelects, pdbsFor, workloadsOfPdb } from '../../src/model/pdb.js';
import { stringMap } from '../../src/model/util.js';
import { SelectorCandidates, selectorMatches } from '../../src/model/selector.js';
import { networkGraph } from '../../src/model/netpol.js';
import type { Resource } from '../../src/model/types.js';

const SEED = Number(process.env.FC_SEED ?? 1_732_600_000);
const RUNS = Number(process.env.FC_RUNS ?? 200);

const key = fc.constantFrom('app', 'tier', 'team', 'v');
const value = fc.constantFrom('a', 'b', 'c', 1, true);
const labels = fc.dictionary(key, value, { maxKeys: 3 });
const ns = fc.constantFrom('one', 'two');

const expression = fc.record({
  key,
  operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist', 'Bogus'),
  values: fc.array(fc.constantFrom('a', 'b', 'c', '{{ .x }}'), { maxLength: 2 }),
});
const pdbSelector = fc.oneof(
  fc.constant(undefined),
  fc.constant({}),
  fc.record({ matchLabels: labels }, { requiredKeys: [] }),
  fc.record({ matchLabels: labels, matchExpressions: fc.array(expression, { maxLength: 2 }) }, { requiredKeys: [] }),
  fc.record({ matchLabels: fc.constant('oops') }),
);

function resource(kind: string, apiVersion: string, name: string, namespace: string, object: Record<string, unknown>): Resource {
  return { apiVersion, kind, name, namespace, object: { apiVersion, kind, metadata: { name, namespace }, ...object } as never, origin: { file: 'x.yaml', doc: 0, locate: () => null } };
}

const input = fc.record({
  workloads: fc.array(fc.record({ ns, labels }), { maxLength: 12 }),
  services: fc.array(fc.record({ ns, selector: labels, apiVersion: fc.constantFrom('v1', 'v1', 'v2') }), { maxLength: 10 }),
  pdbs: fc.array(fc.record({ ns, selector: pdbSelector, apiVersion: fc.constantFrom('policy/v1', 'policy/v1beta1', 'other/v1') }), { maxLength: 10 }),
});

function build(x: fc.infer<typeof input>): ResourceIndex {
  const rs: Resource[] = [];
  x.workloads.forEach((w, i) =>
    rs.push(resource('Deployment', 'apps/v1', `w${i}`, w.ns, { spec: { template: { metadata: { labels: w.labels }, spec: { containers: [{ name: 'c', image: 'i:1' }] } } } })),
  );
  x.services.forEach((s, i) => rs.push(resource('Service', s.apiVersion, `s${i}`, s.ns, { spec: { selector: s.selector } })));
  x.pdbs.forEach((p, i) => rs.push(resource('PodDisruptionBudget', p.apiVersion, `p${i}`, p.ns, { spec: p.selector === undefined ? {} : { selector: p.selector } })));
  return new ResourceIndex(rs, 'default');
}

describe('selector indexes agree with a scan', () => {
  it('servicesSelecting: every v1 Service whose map selector matches, by the position of its first key in the labels, then input order', () => {
    fc.assert(
      fc.property(input, labels, ns, (x, raw, namespace) => {
        const index = build(x);
        // Labels that carry the pairs of a few Services (in a random key order), so several match.
        const podLabels = stringMap({ ...raw, ...x.services[1]?.selector, ...x.services[0]?.selector });
        const keys = Object.keys(podLabels);
        const expected = index
          .inNamespace('Service', namespace)
          .map((svc, at) => ({ svc, at, pairs: Object.entries(stringMap((svc.object.spec as { selector: unknown }).selector as never)) }))
          .filter((e) => e.svc.apiVersion === 'v1' && e.pairs.length > 0 && e.pairs.every(([k, v]) => podLabels[k] === v))
          .sort((a, b) => keys.indexOf(a.pairs[0][0]) - keys.indexOf(b.pairs[0][0]) || a.at - b.at)
          .map((e) => e.svc.name);
        assert.deepEqual(index.servicesSelecting(namespace, podLabels).map((s) => s.name), expected);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('workloadsMatching: every workload of the namespace carrying all pairs, in input order', () => {
    fc.assert(
      fc.property(input, labels, ns, (x, raw, namespace) => {
        const index = build(x);
        const sel = stringMap(raw);
        const pairs = Object.entries(sel);
        const expected = pairs.length === 0 ? [] : index.workloadsIn(namespace).filter((w) => pairs.every(([k, v]) => w.podLabels[k] === v));
        assert.deepEqual(index.workloadsMatching(namespace, sel), expected);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('pdbsFor and workloadsOfPdb: what pdbSelects says for each pair, in input order', () => {
    fc.assert(
      fc.property(input, (x) => {
        const index = build(x);
        for (const w of index.workloads) {
          const all = index.inNamespace('PodDisruptionBudget', index.namespaceOf(w.resource));
          const got = pdbsFor(w, index);
          assert.deepEqual(got.certain, all.filter((p) => pdbSelects(p, w.podLabels) === true));
          assert.deepEqual(got.possible, all.filter((p) => pdbSelects(p, w.podLabels) === undefined));
        }
        for (const p of index.ofKind('PodDisruptionBudget')) {
          const ws = index.workloadsIn(index.namespaceOf(p));
          const got = workloadsOfPdb(p, index);
          assert.deepEqual(got.certain, ws.filter((w) => pdbSelects(p, w.podLabels) === true));
          assert.deepEqual(got.possible, ws.filter((w) => pdbSelects(p, w.podLabels) === undefined));
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('SelectorCandidates: every selector that may select the labels is a candidate, in input order', () => {
    const inOnly = fc.record({ matchExpressions: fc.array(fc.record({ key, operator: fc.constant('In'), values: fc.uniqueArray(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 2 }) });
    const selector = fc.oneof(pdbSelector, inOnly, inOnly, fc.constant(null), fc.constant([1]), fc.record({ matchExpressions: fc.constant('x') }));
    fc.assert(
      fc.property(fc.array(selector, { maxLength: 14 }), labels, (sels, raw) => {
        const podLabels = stringMap(raw);
        const items = sels.map((sel, i) => ({ i, sel }));
        const c = new SelectorCandidates(items, (x) => (x.sel === null ? undefined : (x.sel as never)));
        const got = c.for(podLabels).map((x) => x.i);
        assert.deepEqual(got, [...got].sort((a, b) => a - b), 'input order');
        assert.equal(new Set(got).size, got.length, 'no duplicates');
        for (const x of items) if (x.sel === null || selectorMatches(x.sel as never, podLabels) !== false) assert.ok(got.includes(x.i), `selector ${JSON.stringify(x.sel)} dropped for ${JSON.stringify(podLabels)}`);
      }),
      { seed: SEED, numRuns: RUNS * 2 },
    );
  });

  it('NetworkPolicy selections: what a scan of the namespace with selects() gives, templated labels included', () => {
    const policy = fc.record({ ns, selector: fc.oneof(pdbSelector, fc.constant(null), fc.record({ matchLabels: fc.constant({ app: '{{ .Values.app }}' }) })), types: fc.constantFrom(undefined, ['Ingress'], ['Egress'], ['Ingress', 'Egress']) });
    fc.assert(
      fc.property(input, fc.array(policy, { maxLength: 10 }), fc.boolean(), (x, pols, templated) => {
        const rs: Resource[] = [];
        x.workloads.forEach((w, i) => {
          const l = templated && i === 0 ? { ...w.labels, app: '{{ .Values.app }}' } : w.labels;
          rs.push(resource('Deployment', 'apps/v1', `w${i}`, w.ns, { spec: { template: { metadata: { labels: l }, spec: { containers: [{ name: 'c', image: 'i:1' }] } } } }));
        });
        pols.forEach((p, i) =>
          rs.push(resource('NetworkPolicy', 'networking.k8s.io/v1', `n${i}`, p.ns, { spec: { ...(p.selector === undefined ? {} : { podSelector: p.selector }), ...(p.types ? { policyTypes: p.types } : {}), egress: [{}] } })),
        );
        const g = networkGraph(new ResourceIndex(rs, 'default'));
        for (const w of g.workloads) {
          const all = g.policiesIn(w.resource.namespace ?? 'default');
          const expect = (dir: 'ingress' | 'egress') =>
            all.filter((p) => p[dir] && g.selects(p, w) !== false).map((p) => ({ policy: p, certain: g.selects(p, w) === true }));
          assert.deepEqual(g.ingressPolicies(w), expect('ingress'));
          assert.deepEqual(g.egressPolicies(w), expect('egress'));
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
