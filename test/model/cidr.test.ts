import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CIDR_INVALID, cidrText, readCidr, strictSubset } from '../../src/model/cidr.js';

describe('model/cidr: CIDR values as the API server reads them', () => {
  it('valid IPv4 and IPv6 networks, in any case and with zero-padded IPv6 groups', () => {
    for (const s of ['10.0.0.0/8', '0.0.0.0/0', '192.168.1.1/32', '2001:db8::/32', '::/0', '2001:0DB8::/32', 'fd00::/8', '::1/128']) {
      assert.equal(readCidr(s).error, null, s);
    }
    assert.equal(cidrText(readCidr('2001:0DB8::/32').net!), '2001:db8::/32');
  });

  it('what the API server refuses, in its words', () => {
    const cases: Record<string, string> = {
      '10.0.0.1': CIDR_INVALID,
      '10.0.0.0/33': CIDR_INVALID,
      '2001:db8::/129': CIDR_INVALID,
      'fe80::1%eth0/64': CIDR_INVALID,
      '2001:db8:::/64': CIDR_INVALID,
      '10.0.0/8': CIDR_INVALID,
      '256.0.0.0/8': CIDR_INVALID,
      '10.0.0.5/8': 'must not have bits set beyond the prefix length',
      '2001:db8::1/64': 'must not have bits set beyond the prefix length',
      '010.0.0.0/8': 'must not have leading 0s in IP or prefix length',
      '10.0.0.0/08': 'must not have leading 0s in IP or prefix length',
      '2001:db8::/064': 'must not have leading 0s in IP or prefix length',
      '::ffff:10.0.0.0/104': 'must not have an IPv4-mapped IPv6 address',
    };
    for (const [s, error] of Object.entries(cases)) assert.equal(readCidr(s).error, error, s);
    assert.equal(cidrText(readCidr('10.0.0.5/8').net!), '10.0.0.0/8');
    assert.equal(cidrText(readCidr('2001:db8::1/60').net!), '2001:db8::/60');
  });

  it('strict subsets: inside and longer, of the same family', () => {
    const n = (s: string) => readCidr(s).net!;
    assert.equal(strictSubset(n('10.1.0.0/16'), n('10.0.0.0/8')), true);
    assert.equal(strictSubset(n('10.0.0.0/8'), n('10.0.0.0/8')), false);
    assert.equal(strictSubset(n('11.0.0.0/16'), n('10.0.0.0/8')), false);
    assert.equal(strictSubset(n('2001:db8:1::/48'), n('2001:db8::/32')), true);
    assert.equal(strictSubset(n('2001:db9::/48'), n('2001:db8::/32')), false);
    assert.equal(strictSubset(n('10.0.0.0/16'), n('::/0')), false);
    assert.equal(strictSubset(n('10.0.0.128/25'), n('10.0.0.0/24')), true);
    assert.equal(strictSubset(n('10.0.1.0/25'), n('10.0.0.0/24')), false);
  });
});
