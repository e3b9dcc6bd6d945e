import { yamlScalar } from '../../model/fix-yaml.js';
import { defineCheck, type FindingInput } from '../types.js';
import { containerImage, isPinned, nameIsPlaceholder } from './image-util.js';
import { skaffoldArtifacts } from '../../model/skaffold.js';
import { q, who } from './pss-util.js';
import { getString } from '../../model/util.js';

export default defineCheck({
  id: 'image-tag-latest',
  pillar: 'security',
  severity: 'error',
  title: 'Image uses :latest or no tag',
  whatBreaks:
    "Replicas can silently run different builds: an image without a tag means :latest, and :latest moves, so any reschedule, scale-up or node replacement can pull a different build than the one you tested, and rolling back to the previous ReplicaSet brings back the same moving tag, not the previous build.",
  details: `The image reference is the version of the code. With \`:latest\` (explicit or implied by a missing tag) the manifest no longer says what runs:

- each node pulls the tag when the pod starts there (the API defaults \`imagePullPolicy\` to \`Always\` for \`:latest\`), so a push to the registry changes what new pods run without any rollout;
- \`kubectl rollout undo\` restores the previous pod template, which still says \`:latest\`;
- an attacker with push access to the repository ships code to production with the next pod restart.

A digest (\`@sha256:...\`) pins the image even if a tag is also written (\`app:1.2@sha256:...\`): the tag is then ignored. A port in the registry host (\`registry:5000/app\`) is not a tag.

Istio's \`image: auto\` in a pod marked for injection (\`sidecar.istio.io/inject: "true"\`, an
\`inject.istio.io/templates\` annotation) or in a container named \`istio-proxy\` is a placeholder the
injector replaces with the proxy image at admission: not checked (nor by the other image checks). Neither are
images still templated (\`{{ }}\`, \`\${VAR}\`, \`$(VAR)\`) and \`ko://import/path\` placeholders, which
\`ko resolve\` replaces with the built image and its digest (Knative's and Tekton's config/), nor the
artifacts of a Skaffold configuration in the input (\`apiVersion: skaffold/...\`, \`kind: Config\`): in the
manifests it deploys (\`deploy.kubectl.manifests\`, \`manifests.rawYaml\`, kustomize paths; without
any, everything under its folder) an image named like one of its \`build.artifacts[].image\` is what
skaffold replaces with the image it built, tag included (same for image-not-pinned-by-digest and
image-pull-policy).

An untagged image whose name (the last path component, where a tag would follow) holds a \`$NAME\`
variable (\`$VLLM_IMAGE\`, \`registry.example.com/$APP\`) or upper-case letters (\`CONTAINER_IMAGE\`,
\`IMAGE_URL\`) is a placeholder, not an untagged reference: the reference grammar the kubelet parses
images with allows neither in a repository path, so the value filled in decides the tag. Not reported.
An explicit \`:latest\` stays reported whatever the placeholders before it
(\`us-docker.pkg.dev/$PROJECT_ID/repo/app:latest\`), and so does a missing tag after a placeholder
in an earlier component (\`us-docker.pkg.dev/PROJECT_ID/repo/app\`): filling it in leaves \`app\` untagged.`,
  fix: {
    text: 'Use an immutable version tag (ideally plus the digest) that your CI produces for each build.',
    yaml: `containers:
  - name: app
    image: registry.example.com/team/app:1.4.2@sha256:538da402e0720019b7af11b0da11c2059458a84cbba9b790e9fc9fe4768c4ace`,
    place: { at: 'container', snippet: 'image: "<repository>:<version>"   # an immutable tag your CI produces' },
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
      if (tag !== undefined && tag !== 'latest') continue;
      // An untagged $VLLM_IMAGE or CONTAINER_IMAGE is a placeholder for a whole reference, tag included.
      if (tag === undefined && nameIsPlaceholder(img)) continue;
      // The pull policy decides when the moving tag moves: Always (the default for :latest) on every
      // start; an explicit IfNotPresent or Never keeps whatever build each node already has.
      const policy = getString(c.spec, ['imagePullPolicy']);
      const kept = policy === 'IfNotPresent' || policy === 'Never';
      const what = tag === undefined ? `has no tag (so :latest)` : 'uses the moving tag :latest';
      out.push({
        message: kept
          ? `${who(c)}: image ${q(img.raw)} ${what}; with imagePullPolicy ${policy} each node runs whichever :latest build it ${policy === 'Never' ? 'already has' : 'pulled first'}, so replicas can run different code`
          : tag === undefined
            ? `${who(c)}: image ${q(img.raw)} has no tag, so it pulls whatever :latest points to when the pod starts`
            : `${who(c)}: image ${q(img.raw)} uses the moving tag :latest, so pods started at different times can run different builds`,
        path: [...c.path, 'image'],
        container: c.name,
        // The container's own repository; the version (and digest) only the build knows.
        fixSnippet: `image: ${yamlScalar(`${img.ref.repository}:<version>`)}   # an immutable tag of it (with its digest: crane digest ${img.ref.repository}:<version>)`,
      });
    }
    return out;
  },
});
