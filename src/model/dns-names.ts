/**
 * The API server's DNS name rules (k8s.io/apimachinery/pkg/util/validation) and its words for them,
 * shared by the checks that quote its errors.
 */
export const DNS_LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const DNS_LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
export const DNS_SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** IsDNS1123Subdomain's complaints about a name (most kinds' metadata.name, a ServiceAccount subject). */
export function subdomainErrors(v: string): string[] {
  const out: string[] = [];
  if (v.length > 253) out.push('must be no more than 253 characters');
  if (!DNS_SUBDOMAIN_RE.test(v)) out.push(DNS_SUBDOMAIN_MSG);
  return out;
}

/** The API server's DNS-1123 label rule as names are validated (a dotted subdomain: "must not contain dots"). */
export function dnsLabelErrors(v: string): string[] {
  const out: string[] = [];
  if (v.length > 63) out.push('must be no more than 63 characters');
  if (!DNS_LABEL_RE.test(v)) out.push(DNS_SUBDOMAIN_RE.test(v) ? 'must not contain dots' : DNS_LABEL_MSG);
  return out;
}
