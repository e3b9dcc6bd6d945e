/**
 * The live-cluster source without a cluster: kubeconfig loading and merging (kubectl's rules),
 * in-cluster config, label selectors, durations, the usage errors of `audit --cluster`, progress
 * output, and deploy/rbac.yaml kept in step with what kubeready lists.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { runCli } from '../helpers/cli.js';
import { KubeconfigError, contextConfig, readKubeconfig, selectContexts } from '../../src/sources/kubeconfig.js';
import { CLUSTER_KINDS, clusterFile, clusterResource } from '../../src/sources/cluster.js';
import { labelsMatch, parseLabelSelector, SelectorError } from '../../src/model/label-selector.js';
import { parseDuration, progressPrinter } from '../../src/cli/cluster.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeready-kc-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(name: string, doc: unknown): string {
  const sub = join(dir, name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '');
  mkdirSync(sub, { recursive: true });
  const f = join(dir, name);
  writeFileSync(f, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return f;
}

describe('kubeconfig', () => {
  it('merges KUBECONFIG files as kubectl does: the first to name a context, cluster or user wins, and the first current-context', () => {
    const a = kubeconfig('a/config', {
      'current-context': 'one',
      clusters: [{ name: 'c1', cluster: { server: 'https://a.example:6443/', 'certificate-authority': 'ca.pem' } }],
      users: [{ name: 'u1', user: { token: 'from-a' } }],
      contexts: [{ name: 'one', context: { cluster: 'c1', user: 'u1', namespace: 'shop' } }],
    });
    writeFileSync(join(dir, 'a/ca.pem'), 'CA-A');
    const b = kubeconfig('b/config', `
current-context: two
clusters:
- name: c1
  cluster: { server: https://b.example }
- name: c2
  cluster: { server: https://c2.example, insecure-skip-tls-verify: true }
users:
- name: u1
  user: { token: from-b }
contexts:
- name: one
  context: { cluster: c2, user: u1 }
- name: two
  context: { cluster: c2, user: u1 }
`);
    const env = { KUBECONFIG: [a, join(dir, 'missing'), b].join(':'), HOME: dir };
    const kc = readKubeconfig({ env });
    assert.deepEqual(kc.files, [a, b]);
    assert.equal(kc.currentContext, 'one');
    const [one] = selectContexts(kc, {}, { env });
    assert.equal(one.server, 'https://a.example:6443');
    assert.equal(one.token, 'from-a');
    assert.equal(one.namespace, 'shop');
    assert.equal(one.ca?.toString(), 'CA-A', 'relative to the file that names it');
    const two = contextConfig(kc, 'two');
    assert.equal(two.server, 'https://c2.example');
    assert.equal(two.insecureSkipTLSVerify, true);
    assert.deepEqual(selectContexts(kc, { all: true }, { env }).map((c) => c.name), ['one', 'two']);
    assert.deepEqual(selectContexts(kc, { contexts: ['two', 'one', 'two'] }, { env }).map((c) => c.name), ['two', 'one']);
  });

  it('--kubeconfig wins over KUBECONFIG; ~/.kube/config is the default', () => {
    const only = kubeconfig('only.yaml', { 'current-context': 'x', clusters: [{ name: 'c', cluster: { server: 'https://only' } }], contexts: [{ name: 'x', context: { cluster: 'c' } }] });
    const home = join(dir, 'home');
    kubeconfig('home/.kube/config', { 'current-context': 'h', clusters: [{ name: 'c', cluster: { server: 'https://home' } }], contexts: [{ name: 'h', context: { cluster: 'c' } }] });
    assert.equal(selectContexts(readKubeconfig({ kubeconfig: only, env: { KUBECONFIG: '/nope' } }), {})[0].server, 'https://only');
    assert.equal(selectContexts(readKubeconfig({ env: { HOME: home } }), {})[0].server, 'https://home');
  });

  it('says what is wrong: no kubeconfig, no current context, an unknown context, a missing cluster or file', () => {
    const empty = join(dir, 'empty-home');
    mkdirSync(empty, { recursive: true });
    assert.throws(() => selectContexts(readKubeconfig({ env: { HOME: empty } }), {}), /no kubeconfig: set --kubeconfig or KUBECONFIG/);
    // KUBECONFIG set to files that do not exist: the message says so, not "set KUBECONFIG".
    const missing = { env: { HOME: empty, KUBECONFIG: join(dir, 'gone.yaml') } };
    assert.throws(() => selectContexts(readKubeconfig(missing), {}, missing), /no kubeconfig: none of the files KUBECONFIG names exists \(.*gone\.yaml\); set --kubeconfig, fix KUBECONFIG, or unset it to use ~\/\.kube\/config$/);
    assert.throws(() => readKubeconfig({ kubeconfig: join(dir, 'nope.yaml') }), /kubeconfig .*nope\.yaml: cannot read \(no such file\)/);
    const noCurrent = kubeconfig('nocurrent.yaml', { clusters: [{ name: 'c', cluster: { server: 'https://x' } }], contexts: [{ name: 'x', context: { cluster: 'c' } }] });
    assert.throws(() => selectContexts(readKubeconfig({ kubeconfig: noCurrent }), {}), /no current-context: name one with --context/);
    assert.throws(() => selectContexts(readKubeconfig({ kubeconfig: noCurrent }), { contexts: ['prod'] }), /context "prod" is not in the kubeconfig \(it has x\)/);
    const broken = kubeconfig('broken.yaml', { contexts: [{ name: 'x', context: { cluster: 'gone' } }, { name: 'y', context: { cluster: 'c' } }], clusters: [{ name: 'c', cluster: { server: 'https://y' } }] });
    assert.throws(() => selectContexts(readKubeconfig({ kubeconfig: broken }), { contexts: ['x'] }), KubeconfigError);
    // With --all-contexts a broken entry is reported with its context; the others go on.
    const all = selectContexts(readKubeconfig({ kubeconfig: broken }), { all: true });
    assert.match(all[0].unsupported ?? '', /cluster "gone" is not in the kubeconfig/);
    assert.equal(all[1].server, 'https://y');
    assert.throws(() => readKubeconfig({ kubeconfig: kubeconfig('bad.yaml', 'a: [') }), /not valid YAML/);
  });

  it('credentials: token, tokenFile, client certificate data, exec plugins; legacy auth-providers are reported', () => {
    const f = kubeconfig('creds/config', {
      clusters: [{ name: 'c', cluster: { server: 'https://x', 'certificate-authority-data': Buffer.from('CA').toString('base64') } }],
      users: [
        { name: 'cert', user: { 'client-certificate-data': Buffer.from('CERT').toString('base64'), 'client-key-data': Buffer.from('KEY').toString('base64') } },
        { name: 'file', user: { tokenFile: 'tok' } },
        { name: 'exec', user: { exec: { command: 'aws', args: ['eks', 'get-token'], env: [{ name: 'AWS_PROFILE', value: 'p' }], apiVersion: 'client.authentication.k8s.io/v1beta1' } } },
        { name: 'gcp', user: { 'auth-provider': { name: 'gcp', config: {} } } },
      ],
      contexts: ['cert', 'file', 'exec', 'gcp'].map((n) => ({ name: n, context: { cluster: 'c', user: n } })),
    });
    const kc = readKubeconfig({ kubeconfig: f });
    const cert = contextConfig(kc, 'cert');
    assert.equal(cert.ca?.toString(), 'CA');
    assert.equal(cert.clientCert?.toString(), 'CERT');
    assert.equal(cert.clientKey?.toString(), 'KEY');
    assert.equal(contextConfig(kc, 'file').tokenFile, join(dir, 'creds/tok'));
    const exec = contextConfig(kc, 'exec').exec!;
    assert.deepEqual([exec.command, exec.args, exec.env, exec.apiVersion], ['aws', ['eks', 'get-token'], [{ name: 'AWS_PROFILE', value: 'p' }], 'client.authentication.k8s.io/v1beta1']);
    assert.match(contextConfig(kc, 'gcp').unsupported ?? '', /auth-provider "gcp" is not supported.*exec credential plugin/);
  });

  it('the in-cluster config when no kubeconfig exists and the pod environment does', () => {
    const sa = join(dir, 'sa');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), 'tkn');
    writeFileSync(join(sa, 'ca.crt'), 'CA');
    writeFileSync(join(sa, 'namespace'), 'team-a\n');
    const home = join(dir, 'nohome');
    mkdirSync(home, { recursive: true });
    const env = { HOME: home, KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' };
    const kc = readKubeconfig({ env, serviceAccountDir: sa });
    assert.equal(kc.inCluster, true);
    const [c] = selectContexts(kc, {}, { env, serviceAccountDir: sa });
    assert.deepEqual([c.name, c.server, c.namespace, c.tokenFile, c.ca?.toString()], ['in-cluster', 'https://10.0.0.1:443', 'team-a', join(sa, 'token'), 'CA']);
    // A kubeconfig, when there is one, wins (as client-go's default loading rules).
    const withKc = readKubeconfig({ env: { ...env, KUBECONFIG: kubeconfig('incl.yaml', { 'current-context': 'x', clusters: [{ name: 'c', cluster: { server: 'https://x' } }], contexts: [{ name: 'x', context: { cluster: 'c' } }] }) }, serviceAccountDir: sa });
    assert.equal(withKc.inCluster, false);
  });
});

describe('label selectors (-l)', () => {
  it('parses kubectl syntax and matches as the API server does', () => {
    const s = parseLabelSelector('app=web, tier!=db,env in (prod, staging),!canary,team');
    assert.deepEqual(s, {
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'NotIn', values: ['db'] },
        { key: 'env', operator: 'In', values: ['prod', 'staging'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'team', operator: 'Exists' },
      ],
    });
    assert.equal(labelsMatch(s, { app: 'web', env: 'prod', team: 'a' }), true);
    assert.equal(labelsMatch(s, { app: 'web', env: 'prod', team: 'a', canary: 'yes' }), false);
    assert.equal(labelsMatch(s, { app: 'web', env: 'dev', team: 'a' }), false);
    assert.equal(labelsMatch(parseLabelSelector('app.kubernetes.io/name==api,x notin (a,b)'), { 'app.kubernetes.io/name': 'api' }), true);
    for (const bad of ['app in b', 'a b', '=x', 'app=a b', 'app,,x', 'app=(x)']) assert.throws(() => parseLabelSelector(bad), SelectorError, bad);
  });
});

describe('durations', () => {
  it('reads 30s, 2m, 1h30m, 500ms and bare seconds', () => {
    assert.deepEqual(['30s', '2m', '1h30m', '500ms', '10', '0', '1.5s'].map(parseDuration), [30_000, 120_000, 5_400_000, 500, 10_000, 0, 1500]);
    for (const bad of ['', 's', '5d', '-1s', 'abc']) assert.equal(parseDuration(bad), null, bad);
  });
});

describe('cluster resources', () => {
  it('get kind and apiVersion, lose managedFields and last-applied, keep only metadata unless kept whole', () => {
    const item = {
      metadata: {
        name: 'db', namespace: 'shop', uid: 'u', labels: { a: 'b' },
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"c2VjcmV0"}}', keep: 'me' },
        managedFields: [{ manager: 'kubectl' }],
      },
      data: { password: 'c2VjcmV0' },
    };
    const slim = clusterResource(structuredClone(item), 'v1', 'Secret', 'prod', false);
    assert.deepEqual(slim.object, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop', uid: 'u', labels: { a: 'b' }, annotations: { keep: 'me' } } });
    assert.equal(slim.origin.file, 'prod/shop/Secret/db');
    assert.equal(slim.origin.locate(['data']), null);
    const whole = clusterResource(structuredClone(item), 'v1', 'ConfigMap', 'prod', true);
    assert.deepEqual(Object.keys(whole.object), ['apiVersion', 'kind', 'metadata', 'data']);
    assert.equal((whole.object.metadata as Record<string, unknown>).managedFields, undefined);
    assert.equal(clusterFile('ctx', 'Node', undefined, 'n1'), 'ctx/Node/n1');
  });
});

describe('deploy/rbac.yaml', () => {
  it('grants get and list on exactly the kinds kubeready lists, Secrets aside, plus pods/log for diagnose', () => {
    const docs: Record<string, any>[] = [];
    const text = readFileSync(new URL('../../deploy/rbac.yaml', import.meta.url), 'utf8');
    for (const d of text.split(/^---$/m)) {
      const v = load(d);
      if (v) docs.push(v as Record<string, any>);
    }
    const role = docs.find((d) => d.kind === 'ClusterRole' && d.metadata.name === 'kubeready-reader')!;
    const granted = new Set<string>();
    for (const r of role.rules) {
      for (const g of r.apiGroups) for (const res of r.resources) {
        if (res === 'pods/log') assert.deepEqual(r.verbs, ['get']);
        else assert.deepEqual(r.verbs, ['get', 'list'], `${g}/${res}`);
        granted.add(`${g}/${res}`);
      }
    }
    const wanted = new Set(CLUSTER_KINDS.filter((k) => k.kind !== 'Secret').map((k) => `${k.group}/${k.resource}`));
    wanted.add('/pods/log');
    assert.deepEqual([...granted].sort(), [...wanted].sort());
    assert.ok(!granted.has('/secrets'), 'never secrets');
    const binding = docs.find((d) => d.kind === 'ClusterRoleBinding')!;
    assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubeready-reader' });
    assert.ok(docs.some((d) => d.kind === 'ServiceAccount' && d.metadata.name === binding.subjects[0].name));
  });
});

describe('audit --cluster: usage', () => {
  const kc = () =>
    kubeconfig('usage.yaml', { 'current-context': 'x', clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }], contexts: [{ name: 'x', context: { cluster: 'c' } }] });
  const usage = async (args: string[], re: RegExp, env: NodeJS.ProcessEnv = { NO_COLOR: '1', HOME: dir }) => {
    const r = await runCli(['audit', ...args, '--no-config'], { env });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(r.stdout, '');
  };
  it('paths and --cluster are exclusive; cluster flags need --cluster; one clear line each', async () => {
    await usage(['--cluster', 'k8s/'], /give either paths or --cluster, not both: kubeready audit PATHS\.\.\. \| kubeready audit --cluster/);
    await usage(['k8s/', '--context', 'prod'], /--context: only with --cluster/);
    await usage(['-A'], /-A: only with --cluster/);
    await usage(['--cluster', '--kubeconfig', kc(), '-n', 'a', '-A'], /-n and -A: give one/);
    await usage(['--cluster', '--kubeconfig', kc(), '--context', 'x', '--all-contexts'], /--context and --all-contexts: give one/);
    await usage(['--cluster', '--kubeconfig', kc(), '--request-timeout', '5 minutes'], /--request-timeout: "5 minutes" is not a duration/);
    await usage(['--cluster', '--kubeconfig', kc(), '--page-size', '0'], /--page-size: "0" is not a whole number above 0/);
    await usage(['--cluster', '--kubeconfig', kc(), '-l', 'a b'], /-l: label selector "a b": cannot parse/);
    await usage(['--cluster', '--kubeconfig', kc(), '--complete'], /--complete and --complete-namespaces do not apply to --cluster/);
    await usage(['--cluster', '--kubeconfig', kc(), '--context', 'prod'], /context "prod" is not in the kubeconfig \(it has x\)/);
    await usage(['--cluster'], /no kubeconfig: set --kubeconfig or KUBECONFIG/);
    await usage([], /no input: .*or audit a live cluster: kubeready audit --cluster/);
  });
  it('an unreachable cluster is a report, not a usage error: exit 4', async () => {
    const r = await runCli(['audit', '--cluster', '--kubeconfig', kc(), '--no-config', '-o', 'json'], { env: { NO_COLOR: '1', HOME: dir } });
    assert.equal(r.code, 4, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.cluster.complete, false);
    assert.equal(report.cluster.contexts[0].status, 'unreachable');
    assert.match(report.cluster.contexts[0].errors[0], /cannot reach the API server https:\/\/127\.0\.0\.1:1: connection refused/);
    assert.equal(report.verdicts.length, 0);
    assert.match(r.stderr, /^kubeready: incomplete audit: unreachable: x; the report's cluster section says why \(exit 4\)\n$/);
  });
});

describe('progress on standard error', () => {
  const events = [
    { context: 'a', kind: 'Pod', kindsDone: 3, kindsTotal: 30, objects: 1200 },
    { context: 'b', kind: 'Service', kindsDone: 5, kindsTotal: 30, objects: 40 },
    { context: 'a', kind: null, kindsDone: 0, kindsTotal: 0, objects: 4000 },
  ];
  const drive = (tty: boolean, env: NodeJS.ProcessEnv) => {
    const out: string[] = [];
    let t = 0;
    const p = progressPrinter({ err: (s) => void out.push(s), env, cwd: dir, stderrIsTTY: tty }, () => t);
    for (const e of events) {
      t += 400;
      p.progress?.(e);
    }
    p.end();
    return out.join('');
  };
  it('on a terminal, after half a second: one line per redraw, per cluster and kind, erased at the end', () => {
    const s = drive(true, {});
    assert.match(s, /\r\x1b\[2Kkubeready: reading a: Pod \(3\/30 lists, 1200 objects\) · b: Service \(5\/30 lists, 40 objects\)/);
    assert.match(s, /a: done, 4000 objects/);
    assert.ok(s.endsWith('\r\x1b[2K'));
  });
  it('nothing when standard error is not a terminal, or in CI', () => {
    assert.equal(drive(false, {}), '');
    assert.equal(drive(true, { CI: 'true' }), '');
  });
});
