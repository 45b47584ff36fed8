// Server-side request forgery: a webhook URL is chosen by an API client, and the server sends
// requests to it from inside the deployment's network. So a URL must be http(s), and every
// address its host resolves to must be a public unicast one: private, loopback, link-local,
// CGNAT, multicast, unspecified and other special-purpose ranges are refused (IPv4 and IPv6,
// IPv4-mapped and NAT64 forms included). The check runs when an endpoint is saved and again at
// each delivery, on the very addresses the connection then uses (the lookup below), so a name
// that resolves differently later (DNS rebinding) is caught too. A setting allows private
// targets (a receiver inside the same network, the tests' loopback receivers).
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";

const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network", unspecified
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // CGNAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local (cloud metadata services)
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["100::", 64], // discard
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
] as const) {
  blocked.addSubnet(network, prefix, "ipv6");
}

/** The IPv4 address an IPv6 address embeds (IPv4-mapped, IPv4-compatible, NAT64), if any. */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  if (dotted?.[1]) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex?.[1] && hex[2]) {
    const high = Number.parseInt(hex[1], 16);
    const low = Number.parseInt(hex[2], 16);
    return [high >> 8, high & 255, low >> 8, low & 255].join(".");
  }
  return null;
}

/** Whether an IP address is one a webhook must not reach (see the top of the file). */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, "");
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, "ipv4");
  if (family !== 6) return true;
  const v4 = embeddedIpv4(bare);
  if (v4) return isIP(v4) !== 4 || blocked.check(v4, "ipv4");
  return blocked.check(bare, "ipv6");
}

export class UnsafeWebhookUrlError extends Error {
  override name = "UnsafeWebhookUrlError";
}

export interface UrlCheckOptions {
  /** Private, loopback and link-local targets allowed (PULSE_WEBHOOKS_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  /** Resolves a host name to its addresses (default: the system resolver). */
  resolve?: (host: string) => Promise<string[]>;
}

function systemResolve(host: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => {
      if (error) reject(error);
      else resolve(addresses.map((entry) => entry.address));
    });
  });
}

/** The URL's form alone: http(s), a host, no credentials, at most 2,000 characters. */
export function parseWebhookUrl(text: string): URL {
  if (text.length > 2000) throw new UnsafeWebhookUrlError("The URL is longer than 2,000 characters.");
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UnsafeWebhookUrlError(`"${text}" is not a URL.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new UnsafeWebhookUrlError(`Only http and https URLs are allowed, not ${url.protocol}`);
  if (!url.hostname) throw new UnsafeWebhookUrlError("The URL has no host.");
  if (url.username || url.password)
    throw new UnsafeWebhookUrlError("The URL must not carry a user name or password.");
  return url;
}

/**
 * Checks an endpoint URL when it is saved: its form, and every address its host resolves to
 * (a name that does not resolve is refused too).
 */
export async function checkWebhookUrl(text: string, options: UrlCheckOptions): Promise<URL> {
  const url = parseWebhookUrl(text);
  if (options.allowPrivate) return url;
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await (options.resolve ?? systemResolve)(host);
    } catch {
      throw new UnsafeWebhookUrlError(`The host "${host}" does not resolve.`);
    }
  }
  const refused = addresses.find(isPrivateAddress);
  if (refused || addresses.length === 0)
    throw new UnsafeWebhookUrlError(
      `The host "${host}" resolves to ${refused ?? "no address"}, a private, loopback, link-local or otherwise non-public address.`,
    );
  return url;
}

/**
 * A `lookup` for http.request that refuses non-public addresses: the connection uses exactly
 * the addresses checked, so nothing can resolve differently between the check and the connect.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) {
      callback(error, "", 0);
      return;
    }
    const refused = addresses.find((entry) => isPrivateAddress(entry.address));
    if (refused || addresses.length === 0) {
      callback(
        new UnsafeWebhookUrlError(
          `${hostname} resolves to ${refused?.address ?? "no address"}, a non-public address`,
        ),
        "",
        0,
      );
      return;
    }
    if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    else {
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    }
  });
};
