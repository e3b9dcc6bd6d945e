import { defineCheck, type FindingInput, type Resource } from '../types.js';
import { imagePulls, type ImagePull, type PullCause } from '../../model/runtime.js';
import { byContainer, containerPath, inPods, podsFor, quote, related, showContainer } from './util.js';

export const PULL_CAUSE_TEXT: Record<PullCause, string> = {
  'not-found': 'the tag or digest does not exist in the registry',
  denied: 'the repository does not exist, or it is private and the pod has no credentials for it',
  unauthorized: 'the registry refused the credentials (no imagePullSecrets, or wrong or expired ones)',
  'rate-limited': 'the registry is rate-limiting pulls (toomanyrequests)',
  network: 'the node cannot reach the registry (DNS, network, proxy or TLS)',
  'invalid-name': 'the image reference is not a valid name',
  'never-pull': 'imagePullPolicy is Never and the image is not on the node',
  unknown: 'the pull failed',
};

export default defineCheck({
  id: 'image-pull-failure',
  pillar: 'security',
  severity: 'error',
  runtime: true,
  title: 'Image cannot be pulled',
  whatBreaks:
    'The kubelet cannot pull the image (ErrImagePull, then ImagePullBackOff with growing back-off): the pod never starts. In a rollout the new pods stay unready; if the old ones are gone (Recreate, node loss, scale-up) the workload is down.',
  details: `A runtime check (pod \`status\`, Events). Reported when a container waits with reason \`ErrImagePull\`,
\`ImagePullBackOff\`, \`InvalidImageName\` or \`ErrImageNeverPull\`. The message names the image and the
kubelet's latest \`Failed to pull image\` event for that container (matched by the event's
\`fieldPath\` or the image), and reads the cause from it: tag or digest not found, access denied,
credentials refused, rate limiting, registry unreachable.

Pillar: security. The checklist item that prevents it is the supply-chain one: images pinned by
digest (\`image-not-pinned-by-digest\`; a digest that was pulled in CI exists) from a registry you
control, with pull credentials attached to the ServiceAccount, and no mutable \`:latest\` tags
(\`image-tag-latest\`). Resources or health items would not have caught a missing or private image.`,
  fix: {
    text: 'Point the image at a tag or digest that exists (kubectl set image ...), or give the pods pull credentials through imagePullSecrets (on the pod or its ServiceAccount).',
    yaml: `spec:
  template:
    spec:
      imagePullSecrets:
        - name: registry-credentials
      containers:
        - name: app
          image: registry.example.com/shop/web@sha256:4f6db1dac2659f8c8f00291be42e0ca483664aa0a9a018c630cb973a3baed4c7   # a digest CI pushed`,
  },
  target: 'workload',
  uses: ['Event'],
  run(ctx) {
    const pods = podsFor(ctx);
    const pulls: (ImagePull & { pod: Resource })[] = [];
    for (const pod of pods) for (const p of imagePulls(ctx.index, pod)) pulls.push({ ...p, pod });
    const out: FindingInput[] = [];
    for (const group of byContainer(pulls)) {
      const best = group.find((p) => p.event) ?? group[0];
      const c = best.c;
      const affected = new Set(group.map((p) => p.pod)).size;
      const images = [...new Set(group.map((p) => p.image).filter(Boolean))];
      const reasons = [...new Set(group.map((p) => p.reason))].join('/');
      const detail = best.detail ? `: ${quote(best.detail, 240)}` : '';
      out.push({
        message: `image ${images.length ? images.map((i) => `"${i}"`).join(', ') : '(unknown)'} of ${showContainer(c)} cannot be pulled${inPods(ctx, affected, pods.length)} (${reasons}): ${PULL_CAUSE_TEXT[best.cause]}${detail}; the pod never starts`,
        path: containerPath(ctx, c, ['image']),
        container: c.name,
        related: [
          ...related(group.filter((p) => p.pod !== ctx.resource).map((p) => ({ pod: p.pod, path: [...(p.c.state?.path ?? p.c.statusPath), 'reason'], note: p.reason }))),
          ...(best.event ? [{ resource: best.event.resource, path: best.event.messagePath, note: `kubelet event ${best.event.reason}` }] : []),
        ],
      });
    }
    return out;
  },
});
