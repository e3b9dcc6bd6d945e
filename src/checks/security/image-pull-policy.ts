import { defineCheck, type FindingInput } from '../types.js';
import { getString, isTemplated } from '../../model/util.js';
import { yamlScalar } from '../../model/fix-yaml.js';
import { containerImage, isPinned, nameIsPlaceholder, type ContainerImage } from './image-util.js';
import { skaffoldArtifacts } from '../../model/skaffold.js';
import { q, who } from './pss-util.js';

interface Params {
  mutableTags: string[];
}

const VALID = new Set(['Always', 'IfNotPresent', 'Never']);

/**
 * A tag the registry moves to new builds: one of `mutable`, a variant of one that carries no version,
 * date or commit (`nightly-py312-tpu`, `main-cuda`), or a `latest` suffix (`main-latest`, `vllm011.latest`).
 */
function movingTag(tag: string, mutable: Set<string>): boolean {
  const t = tag.toLowerCase();
  if (mutable.has(t)) return true;
  if (mutable.has('latest') && /[._-]latest$/.test(t)) return true;
  const head = /^([a-z]+)[._-]/.exec(t)?.[1];
  return head !== undefined && head !== 'latest' && mutable.has(head) && !/\d{6,}|\d+\.\d+|(^|[._-])v?\d+([._-]|$)|[0-9a-f]{7,}/.test(t.slice(head.length));
}

type Policy = 'Always' | 'IfNotPresent' | 'Never';

/** The valid value a misspelled one means (`always`, `if-not-present`, `IF_NOT_PRESENT`), if any. */
function meant(v: string): Policy | undefined {
  const k = v.toLowerCase().replace(/[\s_-]/g, '');
  return k === 'always' ? 'Always' : k === 'ifnotpresent' ? 'IfNotPresent' : k === 'never' ? 'Never' : undefined;
}

/**
 * The policy the image is safe with: IfNotPresent for a digest or a tag that does not move (each node
 * pulls it once and it cannot change), Always for :latest, no tag, or a moving tag (each start pulls
 * what it points to now). Undefined when the image is not known (a template, an untagged placeholder).
 */
function safePolicy(img: ContainerImage | undefined, mutable: Set<string>): 'Always' | 'IfNotPresent' | undefined {
  if (!img) return undefined;
  if (isPinned(img)) return 'IfNotPresent';
  const tag = img.ref.tag;
  if (tag === undefined) return nameIsPlaceholder(img) ? undefined : 'Always';
  return tag === 'latest' || movingTag(tag, mutable) ? 'Always' : 'IfNotPresent';
}

/**
 * `imagePullPolicy: <policy>` with a comment: `why` (for this finding), then why the policy suits the
 * image when it is the one safePolicy gives for it.
 */
function policySnippet(policy: 'Always' | 'IfNotPresent', img: ContainerImage | undefined, safe: Policy | undefined, why: string): string {
  const notes = why ? [why] : [];
  const tag = img?.ref.tag;
  if (!img || !safe) notes.push(policy === 'IfNotPresent' ? "Always if the image's tag moves" : 'each start pulls the build the tag points to now');
  else if (policy !== safe) {
    // A valid spelling of what it said, which is not the one the image needs (Always on a version tag): fine as it is.
  } else if (policy === 'IfNotPresent') notes.push(`${isPinned(img) ? 'its digest' : `its tag "${tag}"`} does not move: a node pulls it once, when it lacks it`);
  else notes.push(`${tag === undefined || tag === 'latest' ? ':latest' : `"${tag}"`} moves: each start pulls the build it points to now; or pin an immutable tag, image: ${img.ref.repository}:<version>`);
  return `imagePullPolicy: ${policy}${notes.length ? `   # ${notes.join('; ')}` : ''}`;
}

export default defineCheck<Params>({
  id: 'image-pull-policy',
  pillar: 'security',
  severity: 'warning',
  title: 'Image pull policy runs stale or missing images',
  whatBreaks:
    "With a moving tag and IfNotPresent, each node keeps whichever build it pulled first: replicas on old nodes run old code, new nodes run new code, and a fix pushed under the same tag never reaches pods on nodes that already have the image. With Never, every node that does not already hold the image (a new or replaced node) fails the pod with ErrImageNeverPull.",
  details: `The API defaults \`imagePullPolicy\` to \`Always\` when the tag is \`latest\` or absent (and no digest is given), and to \`IfNotPresent\` otherwise. This check fires only where the policy causes a real problem:

- **\`IfNotPresent\` with a moving tag**: set explicitly on a \`:latest\`/untagged image (an untagged \`$IMAGE\` or \`CONTAINER_IMAGE\` placeholder is not one: its value decides the tag), or explicit or defaulted on a tag listed in \`mutableTags\` (\`main\`, \`stable\`, \`nightly\`...), a variant of one without a version, date or commit in it (\`nightly-py312-tpu\`, \`stable-alpine\`), or a tag ending in \`-latest\` or \`.latest\` (\`main-latest\`). The kubelet never re-pulls, so what runs depends on which node the pod lands on and when that node first pulled the tag.
- **\`Never\`**: the image must already be on the node. Cluster autoscaling, node upgrades and node repairs bring nodes that do not have it; pods scheduled there never start. Fine for air-gapped nodes built with pre-loaded images; exempt those.
- **An invalid value** (\`always\`, \`if-not-present\`...): the API server rejects the object (error). A value still templated (\`\${IMAGE_PULL_POLICY:-Always}\`, \`{{ .Values.pullPolicy }}\`) is skipped: it is filled in before apply.

Not reported: \`Always\` with any tag (each start costs a registry round trip, but layers are cached, and it is what \`AlwaysPullImages\` enforces), and any policy other than \`Never\` on an image pinned by digest (the digest cannot resolve to anything else).`,
  fix: {
    text: 'Deploy immutable tags or digests and leave imagePullPolicy unset (IfNotPresent is then safe). If you must deploy a moving tag, use imagePullPolicy: Always. Do not use Never outside pre-loaded nodes.',
    yaml: `containers:
  - name: app
    image: registry.example.com/team/app:1.4.2
    # imagePullPolicy unset: defaults to IfNotPresent, safe for an immutable tag`,
    // Each finding's own (fixSnippet): the container's repository with a version to fill in, or the
    // policy its image is safe with.
    place: { at: 'container', snippet: '' },
  },
  params: {
    mutableTags: {
      type: 'string[]',
      default: ['latest', 'main', 'master', 'develop', 'dev', 'nightly', 'edge', 'stable', 'head', 'snapshot'],
      description: 'Tags your registries move to new builds (compared case-insensitively). IfNotPresent on these runs stale images.',
    },
  },
  target: 'workload',
  uses: ['Config'],
  run({ workload, params, index }) {
    const built = skaffoldArtifacts(index, workload!.resource);
    const mutable = new Set((Array.isArray(params.mutableTags) ? params.mutableTags : []).filter((t) => typeof t === 'string').map((t) => t.toLowerCase()));
    const out: FindingInput[] = [];
    for (const c of workload!.containers) {
      const policy = getString(c.spec, ['imagePullPolicy']);
      const path = [...c.path, 'imagePullPolicy'];
      // A template (${IMAGE_PULL_POLICY:-Always}, {{ .Values.pullPolicy }}) is filled in before apply.
      if (isTemplated(policy)) continue;
      const img = containerImage(c);
      const safe = safePolicy(img, mutable);
      if (policy !== undefined && !VALID.has(policy)) {
        // The valid spelling of what it says, unless that is Never or a stale IfNotPresent: then the safe one.
        const m = meant(policy);
        const fix = m === 'Always' || (m === 'IfNotPresent' && safe !== 'Always') ? m : (safe ?? 'IfNotPresent');
        out.push({
          message: `${who(c)}: imagePullPolicy ${q(policy)} is not a valid value (Always, IfNotPresent or Never); the API server rejects the object`,
          path,
          container: c.name,
          severity: 'error',
          fixSnippet: policySnippet(fix, img, safe, m === fix ? `the valid spelling of ${q(policy)}` : `${q(policy)} is not a valid value${m ? ` (${m} would be${m === 'Never' ? ', but fails on nodes without the image' : ', but keeps a stale build on each node'})` : ''}`),
        });
        continue;
      }
      // A Skaffold artifact: skaffold replaces it with the image it built, tag and all.
      if (img && built.has(img.ref.repository)) continue;
      if (img && isTemplated(img.raw)) continue;
      if (policy === 'Never') {
        out.push({
          message: `${who(c)}: imagePullPolicy: Never only starts on nodes that already have ${img ? q(img.raw) : 'the image'}; new or replaced nodes fail the pod with ErrImageNeverPull`,
          path,
          container: c.name,
          fixSnippet: policySnippet(safe ?? 'IfNotPresent', img, safe, ''),
        });
        continue;
      }
      if (!img || isPinned(img)) continue;
      const tag = img.ref.tag;
      // An untagged $VLLM_IMAGE or CONTAINER_IMAGE is a placeholder whose value decides the tag.
      if (tag === undefined && nameIsPlaceholder(img)) continue;
      const defaultAlways = tag === undefined || tag === 'latest';
      const effective = policy ?? (defaultAlways ? 'Always' : 'IfNotPresent');
      if (effective !== 'IfNotPresent') continue;
      if (defaultAlways) {
        out.push({
          message: `${who(c)}: imagePullPolicy: IfNotPresent with ${tag === undefined ? 'an untagged image' : 'the :latest tag'} (${q(img.raw)}) keeps whichever build each node pulled first, so replicas run different code`,
          path,
          container: c.name,
          // :latest is image-tag-latest's error too: the same immutable tag of the container's own repository.
          fixSnippet: `image: ${yamlScalar(`${img.ref.repository}:<version>`)}   # an immutable tag of it (with its digest: crane digest ${img.ref.repository}:<version>): IfNotPresent then runs one build on every node; or keep the tag with imagePullPolicy: Always`,
        });
        continue;
      }
      if (!movingTag(tag!, mutable)) continue;
      out.push({
        message: `${who(c)}: image ${q(img.raw)} uses the moving tag "${tag}" with imagePullPolicy ${policy === undefined ? 'defaulting to IfNotPresent' : 'IfNotPresent'}, so each node keeps whichever build it pulled first`,
        path,
        container: c.name,
        fixSnippet: policySnippet('Always', img, safe, ''),
      });
    }
    return out;
  },
});
