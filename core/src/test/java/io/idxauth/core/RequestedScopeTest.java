package io.idxauth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 6749 §3.3: {@code scope = scope-token *( SP scope-token )}. */
class RequestedScopeTest {

  @Test
  void null_scope_requests_nothing() throws Exception {
    assertThat(RequestedScope.parse(null)).isEmpty();
  }

  @Test
  void empty_scope_requests_nothing() throws Exception {
    assertThat(RequestedScope.parse("")).isEmpty();
  }

  @Test
  void single_name_is_one_scope() throws Exception {
    assertThat(RequestedScope.parse("pqd")).containsExactly("pqd");
  }

  @Test
  void names_keep_request_order() throws Exception {
    assertThat(RequestedScope.parse("mtrd pqd abc")).containsExactly("mtrd", "pqd", "abc");
  }

  @Test
  void repeated_names_are_collapsed_keeping_the_first() throws Exception {
    assertThat(RequestedScope.parse("pqd pqd mtrd")).containsExactly("pqd", "mtrd");
    assertThat(RequestedScope.parse("mtrd pqd mtrd")).containsExactly("mtrd", "pqd");
  }

  @Test
  void names_are_case_sensitive() throws Exception {
    assertThat(RequestedScope.parse("pqd PQD")).containsExactly("pqd", "PQD");
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @ValueSource(
      strings = {
        "pqd  mtrd", // two spaces
        " pqd", // leading space
        "pqd ", // trailing space
        " ", // only a space
        "pqd\tmtrd", // tab
        "pqd\"", // DQUOTE, %x22
        "pq\\d", // backslash, %x5C
        "pqdé", // non-ASCII
        "pqd\u0000", // NUL
        "pqd\u001f", // unit separator
        "pqd\u007f", // DEL
        "pqd\nmtrd", // line feed
        "pqd\u00a0mtrd", // no-break space
      })
  void malformed_scope_is_refused(String scope) {
    assertThatThrownBy(() -> RequestedScope.parse(scope))
        .isInstanceOf(MalformedScopeException.class)
        .hasMessageContaining("position");
  }

  @Test
  void every_printable_character_but_space_dquote_and_backslash_is_allowed() throws Exception {
    StringBuilder token = new StringBuilder();
    for (char c = 0x21; c <= 0x7E; c++) {
      if (c != '"' && c != '\\') {
        token.append(c);
      }
    }
    assertThat(token).hasSize(0x7E - 0x21 + 1 - 2);

    assertThat(RequestedScope.parse(token.toString())).containsExactly(token.toString());
  }

  @Test
  void each_allowed_character_is_a_scope_token_on_its_own() throws Exception {
    for (char c = 0x21; c <= 0x7E; c++) {
      if (c == '"' || c == '\\') {
        continue;
      }
      assertThat(RequestedScope.parse(String.valueOf(c))).containsExactly(String.valueOf(c));
    }
  }

  @Test
  void message_names_the_position_of_the_bad_character() {
    assertThatThrownBy(() -> RequestedScope.parse("pqd mt\"rd"))
        .isInstanceOf(MalformedScopeException.class)
        .hasMessageContaining("position 6");
  }
}
