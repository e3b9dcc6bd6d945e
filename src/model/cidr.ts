/**
 * CIDR values as the API server's strict IP validation reads them (k8s.io/apimachinery
 * util/validation parseCIDR with StrictIPCIDRValidation, Kubernetes 1.37): IPv4 and IPv6, the
 * address parsed by ipaddr.js once its form is one Go's parser takes.
 */
import ipaddr from 'ipaddr.js';

export interface Cidr {
  v6: boolean;
  /** The network's address bytes (host bits cleared). */
  bytes: number[];
  bits: number;
}

export interface CidrReading {
  /** The network, when the value parses (also with a strict error: Go's sloppy parser read it). */
  net: Cidr | null;
  /** The API server's complaint, or null. */
  error: string | null;
}

export const CIDR_INVALID = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

/** How the API server reads a CIDR value. */
export function readCidr(s: string): CidrReading {
  const invalid: CidrReading = { net: null, error: CIDR_INVALID };
  const slash = s.indexOf('/');
  if (slash < 0) return invalid;
  const addr = s.slice(0, slash);
  const pre = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(pre)) return invalid;
  const v6 = addr.includes(':');
  const bits = Number(pre);
  if (bits > (v6 ? 128 : 32)) return invalid;
  let bytes: number[];
  let mapped = false;
  if (v6) {
    // No zone (fe80::1%eth0): Go's CIDR parser refuses one.
    if (!/^[0-9A-Fa-f:.]+$/.test(addr)) return invalid;
    try {
      const a = ipaddr.IPv6.parse(addr);
      bytes = a.toByteArray();
      mapped = a.isIPv4MappedAddress();
    } catch {
      return invalid;
    }
  } else {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(addr)) return invalid;
    bytes = addr.split('.').map(Number);
    if (bytes.some((b) => b > 255)) return invalid;
  }
  const masked = bytes.map((b, i) => {
    const left = bits - i * 8;
    return left >= 8 ? b : left <= 0 ? 0 : b & ((0xff << (8 - left)) & 0xff);
  });
  const net: Cidr = { v6, bytes: masked, bits };
  if (/^0\d/.test(pre) || (!v6 && addr.split('.').some((o) => o.length > 1 && o.startsWith('0')))) return { net, error: 'must not have leading 0s in IP or prefix length' };
  if (mapped) return { net: null, error: 'must not have an IPv4-mapped IPv6 address' };
  if (masked.some((b, i) => b !== bytes[i])) return { net, error: 'must not have bits set beyond the prefix length' };
  return { net, error: null };
}

/** The network as text ("10.0.0.0/8", "2001:db8::/32"). */
export function cidrText(c: Cidr): string {
  return `${ipaddr.fromByteArray(c.bytes).toString()}/${c.bits}`;
}

/** Whether `inner` is a strict subset of `outer` (ValidateIPBlock's test for an `except`). */
export function strictSubset(inner: Cidr, outer: Cidr): boolean {
  if (inner.v6 !== outer.v6 || inner.bits <= outer.bits) return false;
  for (let i = 0; i < outer.bytes.length; i++) {
    const left = outer.bits - i * 8;
    if (left <= 0) break;
    const mask = left >= 8 ? 0xff : (0xff << (8 - left)) & 0xff;
    if ((inner.bytes[i] & mask) !== outer.bytes[i]) return false;
  }
  return true;
}
