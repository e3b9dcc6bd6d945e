/** Reading container image references for the image checks. */
import type { ContainerRef } from '../../model/types.js';
import { parseImage, type ImageRef } from '../../model/util.js';

export interface ContainerImage {
  /** The image string as written. */
  raw: string;
  ref: ImageRef;
}

/**
 * The container's image when it is a concrete reference; undefined when it is missing (a patch
 * or fragment), empty, still a template (Helm `{{ }}`, `${VAR}`, `$(VAR)`), or a `ko://import/path`
 * that `ko resolve` replaces with a built image and its digest (Knative, Tekton and other ko-built
 * projects keep their config/ that way), which the checks cannot judge.
 */
export function containerImage(c: ContainerRef): ContainerImage | undefined {
  // A placeholder a webhook replaces at admission (Istio's image: auto) is not an image reference.
  if (c.injectedBy) return undefined;
  const raw = c.spec.image;
  if (typeof raw !== 'string') return undefined;
  const image = raw.trim();
  if (image === '' || /\s/.test(image) || /\{\{|\$\{|\$\(|[<>]/.test(image) || image.startsWith('ko://')) return undefined;
  const ref = parseImage(image);
  if (ref.repository === '' || ref.tag === '' || ref.digest === '') return undefined;
  return { raw: image, ref };
}

export function isPinned(img: ContainerImage): boolean {
  return img.ref.digest !== undefined;
}
