import { BlockList, isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createMiddleware } from 'hono/factory';

export type ClientAddressVariables = { clientAddress: string };

/** An allowlist of IPs and CIDRs, IPv4 and IPv6. */
export function addressList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (isIP(address) === 0) throw new Error(`not an IP address or CIDR: ${entry}`);
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

export function matches(list: BlockList, address: string): boolean {
  const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  const family = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
  return isIP(plain) !== 0 && list.check(plain, family);
}

export interface ClientAddressOptions {
  /** Proxies whose X-Forwarded-For is believed. None by default: the socket's peer is the client. */
  readonly trustedProxies?: readonly string[];
}

/**
 * The sender's address: the socket peer, or, when the peer is a trusted proxy, the right-most
 * X-Forwarded-For entry that is not a trusted proxy (entries left of it could be forged).
 */
export function clientAddress(options: ClientAddressOptions = {}) {
  const trusted = addressList(options.trustedProxies ?? []);
  const anyTrusted = (options.trustedProxies ?? []).length > 0;
  return createMiddleware<{ Variables: ClientAddressVariables }>(function clientAddressMiddleware(c, next) {
    let address = getConnInfo(c).remote.address ?? '';
    if (anyTrusted && matches(trusted, address)) {
      const hops = (c.req.header('x-forwarded-for') ?? '')
        .split(',')
        .map((hop) => hop.trim())
        .filter(Boolean);
      while (hops.length > 0 && matches(trusted, address)) address = hops.pop() ?? address;
    }
    c.set('clientAddress', address);
    // Returned, not awaited: see "Middleware" in routes/webhooks.ts.
    return next();
  });
}
