import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/runtime/image-pull-failure.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';
import { at, chain, container, cstatus, event, lineOf, rsPod, waiting, yaml } from './fixtures.js';

const img = 'registry.example.com/shop/web:1.4.3';
const containers = [container({ image: img })];

describe('image-pull-failure', () => {
  it('fires with the image, the cause and the kubelet event for that container', () => {
    const text = yaml(
      ...chain({ containers, replicas: 2 }, [
        rsPod('web-7d9c-a', { containers, phase: 'Pending', containerStatuses: [cstatus({ ready: false, image: img, state: waiting('ImagePullBackOff', `Back-off pulling image "${img}"`) })] }),
        rsPod('web-7d9c-b', { containers, phase: 'Pending', containerStatuses: [cstatus({ ready: false, image: img, state: waiting('ErrImagePull', 'rpc error') })] }),
      ]),
      event({ name: 'f1', involved: { kind: 'Pod', name: 'web-7d9c-a', uid: 'p-web-7d9c-a', fieldPath: 'spec.containers{app}' }, reason: 'Failed', message: `Failed to pull image "${img}": rpc error: code = NotFound desc = failed to pull and unpack image "${img}": not found`, count: 4, lastTimestamp: at(6) }),
      event({ name: 'f2', involved: { kind: 'Pod', name: 'web-7d9c-a', uid: 'p-web-7d9c-a', fieldPath: 'spec.containers{app}' }, reason: 'Failed', message: 'Error: ImagePullBackOff', count: 9, lastTimestamp: at(7) }),
    );
    const [f] = expectFindings(check, text, [
      {
        line: lineOf(text, `image: ${img}`),
        object: 'web',
        container: 'app',
        message: `image "${img}" of container "app" cannot be pulled in 2 of 2 pods (ImagePullBackOff/ErrImagePull): the tag or digest does not exist in the registry: "Failed to pull image`,
      },
    ]);
    assert.ok(f.related.some((r) => r.object.kind === 'Event' && r.note === 'kubelet event Failed'));
  });

  it('tells credentials apart from a missing tag', () => {
    const text = yaml(
      ...chain({ containers }, [rsPod('web-7d9c-a', { containers, phase: 'Pending', containerStatuses: [cstatus({ ready: false, state: waiting('ErrImagePull', `failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized`) })] })]),
    );
    expectFindings(check, text, [{ message: 'the registry refused the credentials' }]);
  });

  it('a long containerd error keeps its end, where the reason is (401 Unauthorized), not only its boilerplate start', () => {
    const long = `Failed to pull image "${img}": rpc error: code = Unknown desc = failed to pull and unpack image "${img}": failed to resolve reference "${img}": unexpected status from HEAD request to https://registry.example.com/v2/shop/web/manifests/1.4.3: 401 Unauthorized`;
    const text = yaml(
      ...chain({ containers }, [rsPod('web-7d9c-a', { containers, phase: 'Pending', containerStatuses: [cstatus({ ready: false, state: waiting('ImagePullBackOff', `Back-off pulling image "${img}"`) })] })]),
      event({ name: 'f1', involved: { kind: 'Pod', name: 'web-7d9c-a', uid: 'p-web-7d9c-a', fieldPath: 'spec.containers{app}' }, reason: 'Failed', message: long, count: 4, lastTimestamp: at(6) }),
    );
    // The layers that repeat the image reference go; what is left keeps its end.
    const [f] = expectFindings(check, text, [
      { message: ': "Failed to pull image "registry.example.com/shop/web:1.4.3": unexpected status from HEAD request to https://registry.example.com/v2/shop/web/manifests/1.4.3: 401 Unauthorized"; the pod never starts' },
    ]);
    assert.ok(long.length > 240 && f.message.length < long.length + 200);
    // Longer still: start … end.
    const longer = long.replace('unexpected status', `${'x'.repeat(300)} unexpected status`);
    const [g] = expectFindings(check, text.replace(long, longer), [{ message: /: "Failed to pull image [^"]*"[^…]* … [^…]*manifests\/1\.4\.3: 401 Unauthorized"; the pod never starts$/ }]);
    assert.ok(g.message.length < longer.length);
  });

  it('ignores another pod\'s events and is silent for pods that pulled', () => {
    const text = yaml(
      ...chain({ containers }, [rsPod('web-7d9c-a', { containers, containerStatuses: [cstatus()] })]),
      event({ name: 'f1', involved: { kind: 'Pod', name: 'web-7d9c-a', uid: 'p-an-earlier-pod', fieldPath: 'spec.containers{app}' }, reason: 'Failed', message: `Failed to pull image "${img}": not found`, lastTimestamp: at(6) }),
    );
    expectNone(check, text);
  });
});
