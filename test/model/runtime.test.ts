import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadText } from '../../src/sources/resources.js';
import { ResourceIndex } from '../../src/model/index.js';
import { classifyPull, exitCodeMeaning, nodeRoom, parseConfigError, parseSchedulingMessage, podsOf, topOwner } from '../../src/model/runtime.js';
import { chain, container, cstatus, pod, rsPod, yaml } from '../checks/runtime/fixtures.js';

describe('parseSchedulingMessage', () => {
  it('splits the scheduler message into causes with node counts, ignoring the preemption part', () => {
    const a = parseSchedulingMessage(
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
    assert.equal(a.total, 3);
    assert.deepEqual(a.reasons.map((r) => [r.kind, r.nodes, r.detail]), [
      ['taint', 1, 'node-role.kubernetes.io/control-plane'],
      ['insufficient', 2, 'memory'],
    ]);
    assert.equal(a.summary, 'untolerated taint node-role.kubernetes.io/control-plane (1 of 3 nodes); insufficient memory (2 of 3 nodes)');
  });

  it('recognises affinity, anti-affinity, spread, claims, cordons and ports', () => {
    const kinds = (m: string) => parseSchedulingMessage(m).reasons.map((r) => r.kind);
    assert.deepEqual(kinds("0/5 nodes are available: 5 node(s) didn't match Pod's node affinity/selector."), ['node-affinity']);
    assert.deepEqual(kinds("0/3 nodes are available: 1 node(s) had volume node affinity conflict, 2 node(s) didn't match pod anti-affinity rules."), ['volume-node-affinity', 'pod-anti-affinity']);
    assert.deepEqual(kinds('0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.'), ['unbound-pvc']);
    assert.deepEqual(kinds('0/2 nodes are available: 2 persistentvolumeclaim "data-db-0" not found.'), ['pvc-missing']);
    assert.deepEqual(kinds('0/2 nodes are available: 2 node(s) were unschedulable.'), ['cordoned']);
    assert.deepEqual(kinds("0/4 nodes are available: 4 node(s) didn't match pod topology spread constraints."), ['topology-spread']);
    assert.deepEqual(kinds("0/3 nodes are available: 3 node(s) didn't have free ports for the requested pod ports."), ['ports']);
    assert.deepEqual(kinds("0/1 nodes are available: 1 node(s) had taint {node.kubernetes.io/unreachable: }, that the pod didn't tolerate."), ['taint']);
    assert.deepEqual(kinds('0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.'), ['insufficient', 'insufficient']);
    assert.equal(parseSchedulingMessage('no nodes available to schedule pods').reasons[0].kind, 'no-nodes');
    assert.equal(parseSchedulingMessage('0/0 nodes are available.').reasons[0].kind, 'no-nodes');
  });
});

describe('image pull and config error causes', () => {
  it('classifies pull failures from the kubelet text', () => {
    assert.equal(classifyPull('ErrImagePull', 'Failed to pull image "r/web:9": rpc error: code = NotFound desc = failed to pull and unpack image "r/web:9": failed to resolve reference "r/web:9": r/web:9: not found'), 'not-found');
    assert.equal(classifyPull('ErrImagePull', 'pull access denied for web, repository does not exist or may require \'docker login\''), 'denied');
    assert.equal(classifyPull('ImagePullBackOff', 'failed to authorize: failed to fetch oauth token: unexpected status: 401 Unauthorized'), 'unauthorized');
    assert.equal(classifyPull('ErrImagePull', 'toomanyrequests: You have reached your pull rate limit.'), 'rate-limited');
    assert.equal(classifyPull('ErrImagePull', 'dial tcp: lookup registry.internal on 10.0.0.10:53: no such host'), 'network');
    assert.equal(classifyPull('InvalidImageName', 'couldn\'t parse image reference "Web:latest"'), 'invalid-name');
    assert.equal(classifyPull('ImagePullBackOff', 'Back-off pulling image "x"'), 'unknown');
  });

  it('parses CreateContainerConfigError messages', () => {
    assert.deepEqual(parseConfigError('configmap "app-config" not found'), { missing: { kind: 'ConfigMap', name: 'app-config' }, nonRoot: false });
    assert.deepEqual(parseConfigError('secret "db" not found'), { missing: { kind: 'Secret', name: 'db' }, nonRoot: false });
    assert.deepEqual(parseConfigError("couldn't find key password in Secret shop/db"), { missing: { kind: 'Secret', name: 'db', key: 'password' }, nonRoot: false });
    assert.deepEqual(parseConfigError('container has runAsNonRoot and image will run as root (pod: "web-0_shop(1)", container: app)'), { nonRoot: true });
  });

  it('explains exit codes without calling 137 an OOM kill', () => {
    assert.match(exitCodeMeaning(137), /SIGKILL.*liveness probe/);
    assert.doesNotMatch(exitCodeMeaning(137), /^.*OOMKilled\)/);
    assert.equal(exitCodeMeaning(1), 'exit code 1 (application error)');
    assert.match(exitCodeMeaning(139), /SIGSEGV/);
  });
});

describe('ownership and node room', () => {
  const idx = new ResourceIndex(
    loadText(
      yaml(
        ...chain({ replicas: 2 }, [
          rsPod('web-7d9c-a', { nodeName: 'n1', containers: [container({ memoryRequest: '1Gi' })], containerStatuses: [cstatus()] }),
          rsPod('web-7d9c-b', { nodeName: 'n1', containers: [container({ memoryRequest: '512Mi' })], containerStatuses: [cstatus()] }),
        ]),
        pod({ name: 'stray', uid: 'p-stray', owner: { kind: 'ReplicaSet', name: 'web-7d9c', uid: 'another-rs' } }),
        { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'n1' }, status: { allocatable: { cpu: '2', memory: '4Gi' } } },
      ),
      'dump.yaml',
    ).resources,
  );

  it('finds a Deployment\'s pods through its ReplicaSets by uid', () => {
    const d = idx.ofKind('Deployment')[0];
    assert.deepEqual(podsOf(idx, d).map((p) => p.name), ['web-7d9c-a', 'web-7d9c-b']);
    assert.equal(topOwner(idx, idx.ofKind('Pod')[0]).kind, 'Deployment');
    assert.equal(topOwner(idx, idx.ofKind('Pod').find((p) => p.name === 'stray')!).name, 'stray');
  });

  it('computes the room left on each node from allocatable minus the requests of its pods', () => {
    const [room] = nodeRoom(idx);
    assert.equal(room.free.memory, 4 * 2 ** 30 - 1.5 * 2 ** 30);
    assert.equal(room.free.cpu, 2);
  });
});
