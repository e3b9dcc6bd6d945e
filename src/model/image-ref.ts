/**
 * Whether the kubelet can parse a container image reference. It parses images with
 * github.com/distribution/reference (`ParseNormalizedNamed`, via pkg/util/parsers), and a reference it
 * cannot parse fails the container with `InvalidImageName`: the pod never starts.
 *
 * The grammar (reference := name [":" tag] ["@" digest]):
 * - name: an optional domain (a host, with an optional port, recognised as the first component when
 *   it contains "." or ":" or is "localhost") then path components of lower-case letters and digits
 *   joined by ".", "_", "__" or dashes; at most 255 characters of path.
 * - tag: a word character then up to 127 of word characters, "." and "-".
 * - digest: algorithm ":" lower-case hex: sha256 with 64 digits, sha384 with 96, sha512 with 128.
 * - a bare 64-digit hex string is an image ID, refused as a name.
 */

const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = new RegExp(`^${ALNUM}(?:${SEPARATOR}${ALNUM})*$`);
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

export interface ImageRefProblem {
  /** What is wrong, for a message: "an empty path component (\"//\")". */
  why: string;
  /**
   * Placeholders the docs ask the reader to fill in (an upper-case identifier such as `PROJECT_ID`,
   * `REGION` or `IMAGE_NAME`, or a `$VAR`), when they are all that is wrong; else empty.
   */
  placeholders: string[];
}

const memo = new Map<string, ImageRefProblem | null>();

/** Why the kubelet cannot parse this image reference, or null when it can. */
export function imageReferenceProblem(image: string): ImageRefProblem | null {
  let p = memo.get(image);
  if (p === undefined) memo.set(image, (p = problemOf(image)));
  return p;
}

/**
 * A placeholder the docs ask the reader to fill in: an upper-case identifier of two or more characters
 * standing alone (`PROJECT_ID`, `REGION`, `IMAGE_NAME`), or a `$VAR`.
 */
const PLACEHOLDER = /\$[A-Za-z_]\w*|(?<![A-Za-z0-9])[A-Z](?:[A-Z0-9]|_(?=[A-Z0-9]))+(?![A-Za-z0-9])/g;

function problemOf(image: string): ImageRefProblem | null {
  const why = grammarProblem(image);
  if (why === null) return null;
  // Placeholders in the registry or path (not the tag): if filling them in makes the reference
  // valid, they are all that is wrong.
  const at = image.indexOf('@');
  const base = at >= 0 ? image.slice(0, at) : image;
  const colon = base.lastIndexOf(':');
  const nameEnd = colon > base.lastIndexOf('/') ? colon : base.length;
  const found: string[] = [];
  const filled = image.slice(0, nameEnd).replace(PLACEHOLDER, (t) => (found.push(t), 'x'));
  const placeholders = found.length && grammarProblem(filled + image.slice(nameEnd)) === null ? [...new Set(found)] : [];
  return { why, placeholders };
}

/** Domain, path (without tag and digest), tag and digest, split the way the parser does. */
function split(image: string): { domain: string | null; path: string; tag: string | null; digest: string | null } {
  let rest = image;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let domain: string | null = null;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first === 'localhost' || /[.:]/.test(first)) {
      domain = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0 && colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { domain, path: rest, tag, digest };
}

function grammarProblem(image: string): string | null {
  if (image === '') return 'it is empty';
  if (/\s/.test(image)) return 'it contains white space';
  if (/^[a-f0-9]{64}$/.test(image)) return 'a 64-digit hex string is an image ID, which the kubelet does not accept as a name';
  const { domain, path, tag, digest } = split(image);
  if (domain !== null && !DOMAIN.test(domain)) return `the registry ${JSON.stringify(domain)} is not a valid host name`;
  if (path === '') return 'it has no repository name';
  const components = path.split('/');
  if (components.some((c) => c === '')) return `it has an empty path component (${path.includes('//') ? '"//"' : 'a leading or trailing "/"'})`;
  if (path !== path.toLowerCase()) return `repository names must be lower case (${JSON.stringify(path)})`;
  const bad = components.find((c) => !PATH_COMPONENT.test(c));
  if (bad !== undefined) {
    return `the path component ${JSON.stringify(bad)} is not valid (lower-case letters and digits, joined by ".", "_", "__" or "-")`;
  }
  if (path.length > 255) return `the repository name is ${path.length} characters long (at most 255)`;
  if (tag !== null && !TAG.test(tag)) {
    return tag === '' ? 'it ends in ":" with no tag' : `the tag ${JSON.stringify(tag)} is not valid (letters, digits, "_", "." and "-", at most 128 characters, not starting with "." or "-")`;
  }
  if (digest !== null) {
    const [algorithm, hex] = digest.split(':', 2);
    const want = DIGEST_LENGTH[algorithm ?? ''];
    if (want === undefined || hex === undefined) return `the digest ${JSON.stringify(digest)} is not valid (sha256:, sha384: or sha512: followed by lower-case hex digits)`;
    if (!new RegExp(`^[a-f0-9]{${want}}$`).test(hex)) return `the digest ${JSON.stringify(digest)} is not valid (${algorithm} takes ${want} lower-case hex digits)`;
  }
  return null;
}
