import { defineCheck, type FindingInput } from '../types.js';
import { imageReferenceProblem } from '../../model/image-ref.js';
import { q, who } from './pss-util.js';

export default defineCheck({
  id: 'image-reference-invalid',
  pillar: 'security',
  severity: 'error',
  title: 'Image reference the kubelet cannot parse',
  whatBreaks:
    'The API server accepts any image string, but the kubelet parses it before pulling; a reference it cannot parse fails the container with InvalidImageName, so the pod never starts and a rollout of it never completes.',
  details: `The kubelet parses images with the container reference grammar (github.com/distribution/reference,
called from pkg/kubelet/images): an optional registry host (with a port), then path components of
**lower-case** letters and digits joined by \`.\`, \`_\`, \`__\` or \`-\`, then an optional \`:tag\` (word
characters, \`.\` and \`-\`, at most 128) and an optional \`@sha256:<64 hex digits>\` digest. Upper case in
the repository path, an empty component (\`registry//app\`), a trailing \`:\` or a malformed digest all
fail with \`InvalidImageName\` on every node, and no retry helps.

An upper-case identifier in the registry or path (\`REGION-docker.pkg.dev/PROJECT_ID/app\`,
\`IMAGE_NAME\`) is a placeholder the docs ask you to fill in: when filling it in is all the reference
needs, it is reported as a **warning** that names it. Templates a pipeline fills in (Helm \`{{ }}\`,
envsubst's \`$VAR\` and \`\${VAR}\`, \`$(VAR)\`, \`<your-image>\`), \`ko://\` references and images a
webhook injects are not judged.`,
  fix: {
    text: 'Write the reference as the registry shows it: lower-case repository path, no empty components, a valid tag or digest; fill in placeholders (kustomize `images:`, Helm values, envsubst) before applying.',
    yaml: `containers:
  - name: app
    image: registry.example.com/team/app:1.4.2`,
  },
  target: 'workload',
  run({ workload }) {
    const out: FindingInput[] = [];
    for (const c of workload!.containers) {
      if (c.injectedBy) continue;
      const raw = c.spec.image;
      if (typeof raw !== 'string') continue;
      const image = raw.trim();
      // Not judged: empty (a fragment or a template a webhook fills), templates (Helm, envsubst's
      // $VAR and \${VAR}: a pipeline fills them in), ko:// import paths.
      if (image === '' || /\{\{|\$|[<>]/.test(image) || image.startsWith('ko://')) continue;
      const path = [...c.path, 'image'];
      if (image !== raw) {
        out.push({
          message: `${who(c)}: image ${q(raw)} has leading or trailing white space: the API server rejects the object ("must not have leading or trailing whitespace")`,
          path,
          container: c.name,
        });
        continue;
      }
      const problem = imageReferenceProblem(image);
      if (!problem) continue;
      if (problem.placeholders.length) {
        const names = problem.placeholders.join(', ');
        out.push({
          message: `${who(c)}: image ${q(image)} still holds the placeholder${problem.placeholders.length === 1 ? '' : 's'} ${names}: applied as written, the kubelet cannot parse it and fails the container with InvalidImageName, so it never starts; fill ${problem.placeholders.length === 1 ? 'it' : 'them'} in before applying`,
          path,
          container: c.name,
          severity: 'warning',
        });
        continue;
      }
      out.push({
        message: `${who(c)}: image ${q(image)} is not a valid image reference: ${problem.why}; the kubelet fails the container with InvalidImageName and the pod never starts`,
        path,
        container: c.name,
      });
    }
    return out;
  },
});
