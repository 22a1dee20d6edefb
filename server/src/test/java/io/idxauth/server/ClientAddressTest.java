package io.idxauth.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Whose address a request is counted under: the peer, or what a trusted proxy says. */
class ClientAddressTest {

  private final ClientAddress behindBalancer =
      new ClientAddress(List.of("10.0.0.0/8", "fd00::/8", "127.0.0.1"));

  @Test
  void without_trusted_proxies_the_header_is_ignored() {
    assertThat(new ClientAddress(List.of()).resolve("10.0.0.5", "203.0.113.7"))
        .isEqualTo("10.0.0.5");
  }

  @Test
  void header_from_an_untrusted_peer_is_ignored() {
    assertThat(behindBalancer.resolve("198.51.100.9", "203.0.113.7")).isEqualTo("198.51.100.9");
  }

  @Test
  void trusted_peer_gives_the_nearest_untrusted_hop() {
    // A caller wrote a fake first hop; the balancer appended the address it saw.
    assertThat(behindBalancer.resolve("10.0.0.5", "1.2.3.4, 203.0.113.7")).isEqualTo("203.0.113.7");
    assertThat(behindBalancer.resolve("10.0.0.5", "203.0.113.7, 10.1.2.3"))
        .isEqualTo("203.0.113.7");
    assertThat(behindBalancer.resolve("fd00::1", "2001:db8::42")).isEqualTo("2001:db8::42");
  }

  @Test
  void a_hop_that_is_not_an_address_stops_the_walk() {
    assertThat(behindBalancer.resolve("10.0.0.5", "evil.example, 10.1.2.3")).isEqualTo("10.1.2.3");
    assertThat(behindBalancer.resolve("10.0.0.5", "unknown")).isEqualTo("10.0.0.5");
  }

  @Test
  void entries_that_are_not_addresses_are_refused_by_name() {
    assertThatThrownBy(() -> new ClientAddress(List.of("balancer.internal")))
        .hasMessageContaining("'balancer.internal' is not an IP address or a CIDR block");
    assertThatThrownBy(() -> new ClientAddress(List.of("10.0.0.0/33")))
        .hasMessageContaining("prefix length outside 0..32");
  }
}
