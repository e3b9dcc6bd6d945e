import { yamlScalar } from '../../model/fix-yaml.js';
import { defineCheck, type FindingInput } from '../types.js';
import { containerImage, isPinned } from './image-util.js';
import { skaffoldArtifacts } from '../../model/skaffold.js';
import { q, who } from './pss-util.js';

export default defineCheck({
  id: 'image-not-pinned-by-digest',
  pillar: 'security',
  severity: 'info',
  title: 'Image not pinned by digest',
  whatBreaks:
    'Tags are mutable: anyone who can push to the repository (or a compromised CI job) can move the tag to a different image, and nodes pulling it afterwards run that image without any change to the manifest. A digest names exactly one image.',
  details: `A reference like \`app:1.4.2\` resolves at pull time; \`app:1.4.2@sha256:...\` (or \`app@sha256:...\`) always resolves to the same bytes, and the runtime verifies them. Pinning by digest also makes \`imagePullPolicy\` irrelevant for correctness and is what image signature and provenance policies (Sigstore, Kyverno \`verifyImages\`) key on.

Many teams accept immutable tags enforced by the registry (ECR, Artifact Registry and Harbor can make tags immutable) instead: this is informational. \`:latest\` and untagged images are reported by **image-tag-latest**.`,
  fix: {
    text: 'Append the digest your CI pushed (docker buildx imagetools inspect, crane digest) to the image reference, or let a tool like kustomize images / Renovate maintain it.',
    yaml: `containers:
  - name: app
    image: registry.example.com/team/app:1.4.2@sha256:538da402e0720019b7af11b0da11c2059458a84cbba9b790e9fc9fe4768c4ace`,
    place: { at: 'container', snippet: 'image: "<repository>:<tag>@sha256:<digest>"   # crane digest <repository>:<tag>' },
  },
  target: 'workload',
  uses: ['Config'],
  run({ workload, index }) {
    const built = skaffoldArtifacts(index, workload!.resource);
    const out: FindingInput[] = [];
    for (const c of workload!.containers) {
      const img = containerImage(c);
      // A Skaffold artifact: skaffold replaces it with the image it built, tag and all.
      if (img && built.has(img.ref.repository)) continue;
      if (!img || isPinned(img)) continue;
      const tag = img.ref.tag;
      if (tag === undefined || tag === 'latest') continue; // image-tag-latest reports these
      out.push({
        message: `${who(c)}: image ${q(img.raw)} is pinned by tag only; the tag can be moved to a different image`,
        path: [...c.path, 'image'],
        container: c.name,
        fixSnippet: `image: ${yamlScalar(`${img.ref.repository}:${tag}@sha256:<digest>`)}   # the digest the tag points to now: crane digest ${img.ref.repository}:${tag}`,
      });
    }
    return out;
  },
});
