/** Reading container image references for the image checks. */
import type { ContainerRef } from '../../model/types.js';
import { parseImage, type ImageRef } from '../../model/util.js';
import { imageReferenceProblem } from '../../model/image-ref.js';

export interface ContainerImage {
  /** The image string as written. */
  raw: string;
  ref: ImageRef;
}

/**
 * The container's image when it is a concrete reference; undefined when it is missing (a patch
 * or fragment), empty, still a template (Helm `{{ }}`, `${VAR}`, `$(VAR)`), or a `ko://import/path`
 * that `ko resolve` replaces with a built image and its digest (Knative, Tekton and other ko-built
 * projects keep their config/ that way), which the checks cannot judge; and when the kubelet cannot
 * parse it at all (image-reference-invalid reports it), unless only placeholders (`PROJECT_ID`) are
 * in the way, which leave the rest of the reference to judge.
 */
export function containerImage(c: ContainerRef): ContainerImage | undefined {
  // A placeholder a webhook replaces at admission (Istio's image: auto) is not an image reference.
  if (c.injectedBy) return undefined;
  const raw = c.spec.image;
  if (typeof raw !== 'string') return undefined;
  const image = raw.trim();
  if (image === '' || /\s/.test(image) || /\{\{|\$\{|\$\(|[<>]/.test(image) || image.startsWith('ko://')) return undefined;
  const problem = imageReferenceProblem(image);
  if (problem && !problem.placeholders.length) return undefined;
  const ref = parseImage(image);
  if (ref.repository === '' || ref.tag === '' || ref.digest === '') return undefined;
  return { raw: image, ref };
}

export function isPinned(img: ContainerImage): boolean {
  return img.ref.digest !== undefined;
}

/**
 * True when the image's name (the last path component, the only place a tag or digest can follow)
 * is not a literal name: it holds a `$NAME` variable (envsubst without braces: `$VLLM_IMAGE`,
 * `$IMAGE_URL`) or upper-case letters (a docs placeholder: `CONTAINER_IMAGE`, `IMAGE_URL`). The
 * reference grammar (github.com/distribution/reference, which the kubelet parses images with) allows
 * neither `$` nor upper case in a repository path, so such an image is not an untagged `:latest`
 * reference but a placeholder that may carry its own tag once filled in. A placeholder in an earlier
 * component (`registry/$PROJECT_ID/app`) leaves the literal name, and its missing tag, as written.
 */
export function nameIsPlaceholder(img: ContainerImage): boolean {
  const repo = img.ref.repository;
  const last = repo.slice(repo.lastIndexOf('/') + 1);
  return last.includes('$') || /[A-Z]/.test(last);
}
