package io.idxauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The revoked tokens, polled from the token service's feed and held in memory. */
class RevocationFeedTest {

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final TokenForge.MovableClock clock = new TokenForge.MovableClock();
  private TokenForge forge;

  @BeforeEach
  void start() {
    forge = new TokenForge();
  }

  @AfterEach
  void stop() {
    forge.close();
    http.close();
  }

  private RevocationFeed feed(Duration poll) {
    return new RevocationFeed(
        http, forge.revocationFeed(), poll, Duration.ofSeconds(5), Duration.ofSeconds(30), clock);
  }

  private static String answer(long revision, String... jtiExp) {
    StringBuilder json = new StringBuilder("{\"revision\":" + revision + ",\"revoked\":[");
    for (int i = 0; i < jtiExp.length; i += 2) {
      json.append(i == 0 ? "" : ",")
          .append("{\"jti\":\"")
          .append(jtiExp[i])
          .append("\",\"exp\":")
          .append(jtiExp[i + 1])
          .append('}');
    }
    return json.append("]}").toString();
  }

  private long inAnHour() {
    return clock.instant().plusSeconds(3600).getEpochSecond();
  }

  @Test
  void the_first_poll_asks_for_all_and_the_next_only_since_the_last_revision() {
    RevocationFeed feed = feed(Duration.ofHours(1));
    forge.revocations(answer(41, "a", "" + inAnHour(), "b", "" + inAnHour()));
    feed.poll();
    forge.revocations(answer(42, "c", "" + inAnHour()));
    feed.poll();
    forge.revocations(answer(42));
    feed.poll();

    assertThat(forge.revocationQueries()).containsExactly("null", "since=41", "since=42");
    assertThat(feed.isRevoked("a")).isTrue();
    assertThat(feed.isRevoked("b")).isTrue();
    assertThat(feed.isRevoked("c")).isTrue();
    assertThat(feed.isRevoked("d")).isFalse();
  }

  @Test
  void a_failed_poll_keeps_the_revoked_tokens_held() {
    RevocationFeed feed = feed(Duration.ofHours(1));
    forge.revocations(answer(1, "a", "" + inAnHour()));
    feed.poll();

    forge.revocationStatus(503);
    feed.poll();
    assertThat(feed.isRevoked("a")).isTrue();
    forge.revocationStatus(200);
    for (String broken : new String[] {"not json", "{}", "{\"revision\":2}", "[]"}) {
      forge.revocations(broken);
      feed.poll();
      assertThat(feed.isRevoked("a")).as(broken).isTrue();
    }
    forge.close();
    feed.poll();
    assertThat(feed.isRevoked("a")).isTrue();
    assertThat(feed.size()).isEqualTo(1);
    assertThat(forge.revocationQueries()).allMatch(q -> q.equals("null") || q.equals("since=1"));
  }

  @Test
  void a_revoked_token_is_dropped_once_expired_beyond_the_leeway() {
    RevocationFeed feed = feed(Duration.ofHours(1));
    Instant exp = clock.instant().plusSeconds(60);
    forge.revocations(answer(1, "soon", "" + exp.getEpochSecond(), "later", "" + inAnHour()));
    feed.poll();
    forge.revocations(answer(1));

    clock.set(exp.plusSeconds(29));
    feed.poll();
    assertThat(feed.isRevoked("soon")).isTrue();
    clock.set(exp.plusSeconds(31));
    feed.poll();
    assertThat(feed.isRevoked("soon")).isFalse();
    assertThat(feed.isRevoked("later")).isTrue();
  }

  @Test
  void entries_without_a_jti_or_exp_are_skipped() {
    RevocationFeed feed = feed(Duration.ofHours(1));
    forge.revocations(
        "{\"revision\":3,\"revoked\":[{\"jti\":\"\",\"exp\":1},{\"exp\":"
            + inAnHour()
            + "},{\"jti\":\"x\"},{\"jti\":\"ok\",\"exp\":"
            + inAnHour()
            + "}]}");
    feed.poll();

    assertThat(feed.size()).isEqualTo(1);
    assertThat(feed.isRevoked("ok")).isTrue();
  }

  @Test
  void polls_repeat_on_a_daemon_thread_until_closed() throws Exception {
    RevocationFeed feed = feed(Duration.ofMillis(20));
    feed.start();
    assertThat(feed.polls()).as("the first poll happens at start").isEqualTo(1);
    forge.revocations(answer(5, "late", "" + inAnHour()));
    for (int i = 0; i < 100 && !feed.isRevoked("late"); i++) {
      Thread.sleep(20);
    }
    assertThat(feed.isRevoked("late")).isTrue();
    assertThat(
            Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("idx-auth-revocation-feed"))
                .allMatch(Thread::isDaemon))
        .isTrue();

    feed.close();
    Thread.sleep(50);
    long polls = feed.polls();
    Thread.sleep(100);
    assertThat(feed.polls()).isEqualTo(polls);
  }
}
