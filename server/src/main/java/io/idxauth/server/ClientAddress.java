package io.idxauth.server;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The caller's address, for the per-source failure limit, the audit trail and the logs. It is the
 * TCP peer, unless the peer is one of the operator's {@code trusted-proxies} (the load balancer):
 * then it is the nearest address in {@code X-Forwarded-For} that is not a trusted proxy. A header
 * from anyone else is ignored, since a caller could write any address into it.
 */
final class ClientAddress {

  private static final String ATTRIBUTE = "idx.clientAddress";
  private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  /** An address block: an address and the number of leading bits that must match. */
  private record Block(byte[] address, int bits) {
    boolean contains(byte[] other) {
      if (other.length != address.length) {
        return false;
      }
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >>> (i % 8);
        if ((address[i / 8] & mask) != (other[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }

  private final List<Block> trusted;

  /**
   * @param trustedProxies addresses or CIDR blocks, such as {@code 10.0.0.0/8} or {@code ::1}
   * @throws IllegalArgumentException naming an entry that is neither
   */
  ClientAddress(List<String> trustedProxies) {
    List<Block> blocks = new ArrayList<>();
    for (String entry : trustedProxies) {
      blocks.add(block(entry.trim()));
    }
    this.trusted = List.copyOf(blocks);
  }

  /** Checks a {@code trusted-proxies} entry, for the configuration's validation. */
  static void check(String entry) {
    block(entry.trim());
  }

  private static Block block(String entry) {
    int slash = entry.indexOf('/');
    String host = slash < 0 ? entry : entry.substring(0, slash);
    byte[] address = literal(host);
    if (address == null) {
      throw new IllegalArgumentException(
          "trusted-proxies: '" + entry + "' is not an IP address or a CIDR block");
    }
    int bits = address.length * 8;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(entry.substring(slash + 1));
      } catch (NumberFormatException e) {
        bits = -1;
      }
      if (bits < 0 || bits > address.length * 8) {
        throw new IllegalArgumentException(
            "trusted-proxies: '"
                + entry
                + "' has a prefix length outside 0.."
                + address.length * 8);
      }
    }
    return new Block(address, bits);
  }

  /** The bytes of an IP literal, or null; never a name lookup. */
  private static byte[] literal(String text) {
    String s =
        text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    if (!LITERAL.matcher(s).matches()) {
      return null;
    }
    try {
      return InetAddress.getByName(s).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private boolean isTrusted(String address) {
    byte[] bytes = literal(address);
    if (bytes == null) {
      return false;
    }
    for (Block b : trusted) {
      if (b.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  /** The caller's address, given the peer and its {@code X-Forwarded-For} header (or null). */
  String resolve(String peer, String forwardedFor) {
    if (trusted.isEmpty() || forwardedFor == null || !isTrusted(peer)) {
      return peer;
    }
    String[] hops = forwardedFor.split(",");
    String nearest = peer;
    // From the right: each hop was added by the proxy after it; the first one not ours is the
    // caller as our own proxies saw it.
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (literal(hop) == null) {
        return nearest;
      }
      if (!isTrusted(hop)) {
        return hop;
      }
      nearest = hop;
    }
    return nearest;
  }

  /** Works out the caller's address of a request, once, before its handler runs. */
  void resolve(Context ctx) {
    ctx.attribute(ATTRIBUTE, resolve(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For")));
  }

  /** The caller's address of a request. */
  static String of(Context ctx) {
    String address = ctx.attribute(ATTRIBUTE);
    return address != null ? address : ctx.ip();
  }
}
