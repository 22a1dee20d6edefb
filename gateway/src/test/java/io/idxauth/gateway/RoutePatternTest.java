package io.idxauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RoutePatternTest {

  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvSource({
    "/pqd/v1/**, /pqd/v1, true",
    "/pqd/v1/**, /pqd/v1/, true",
    "/pqd/v1/**, /pqd/v1/readings/42, true",
    "/pqd/v1/**, /pqd/v10, false",
    "/pqd/v1/**, /pqd, false",
    "/pqd/v1/**, /mtrd/v1/x, false",
    "/pqd/v1/*/items, /pqd/v1/abc/items, true",
    "/pqd/v1/*/items, /pqd/v1//items, false",
    "/pqd/v1/*/items, /pqd/v1/abc/items/1, false",
    "/pqd/v1/*, /pqd/v1/abc, true",
    "/pqd/v1/*, /pqd/v1, false",
    "/exact, /exact, true",
    "/exact, /exact/, false",
    "/exact, /exactly, false",
    "/**, /, true",
    "/**, /anything/at/all, true",
    "/, /, true",
    "/, /x, false",
  })
  void matches_segment_by_segment(String pattern, String path, boolean expected) {
    assertThat(RoutePattern.parse(pattern).matches(path)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"pqd/v1", "/pqd//v1", "/pqd/v1/", "/pqd/**/x", "/pqd/../x", "/p?q", "/a b"})
  void malformed_patterns_are_refused(String pattern) {
    assertThatThrownBy(() -> RoutePattern.parse(pattern))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{0} covers {1}: {2}")
  @CsvSource({
    "/**, /pqd/v1/**, true",
    "/pqd/**, /pqd/v1/x, true",
    "/pqd/*/**, /pqd/v1/**, true",
    "/pqd/v1/**, /pqd/**, false",
    "/pqd/v1/**, /mtrd/v1/**, false",
    "/pqd/v1, /pqd/v1, true",
    "/pqd/v1, /pqd/v1/**, false",
  })
  void a_pattern_covers_what_it_always_matches_first(String first, String later, boolean covers) {
    assertThat(RoutePattern.parse(first).covers(RoutePattern.parse(later))).isEqualTo(covers);
  }
}
