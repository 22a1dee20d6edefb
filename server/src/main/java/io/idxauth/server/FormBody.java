package io.idxauth.server;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses an {@code application/x-www-form-urlencoded} body strictly, as UTF-8. */
final class FormBody {

  private FormBody() {}

  /**
   * @return each parameter name with its values, in order; a parameter sent without a value is left
   *     out (RFC 6749 §3.2: it "MUST be treated as if [it was] omitted")
   * @throws OAuthError invalid_request on bad UTF-8 or bad percent-encoding
   */
  static Map<String, List<String>> parse(byte[] body) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body))
              .toString();
    } catch (CharacterCodingException e) {
      throw OAuthError.invalidRequest("the request body is not valid UTF-8");
    }
    Map<String, List<String>> params = new LinkedHashMap<>();
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (!value.isEmpty()) {
        params.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
      }
    }
    return params;
  }

  /** Decodes one form-urlencoded component (RFC 6749 Appendix B). */
  static String decode(String component) {
    try {
      String decoded = URLDecoder.decode(component, StandardCharsets.UTF_8);
      if (decoded.indexOf('\uFFFD') >= 0 && component.indexOf('\uFFFD') < 0) {
        throw OAuthError.invalidRequest("a percent-encoded parameter is not valid UTF-8");
      }
      return decoded;
    } catch (IllegalArgumentException e) {
      throw OAuthError.invalidRequest("malformed percent-encoding in the request body");
    }
  }
}
