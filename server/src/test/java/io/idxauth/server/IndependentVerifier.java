package io.idxauth.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;

/**
 * Verifies a JWT the way a third party would: fetch the JWKS over HTTP, pick the key by kid, check
 * the RS256 signature with the JDK's own {@link Signature} — no code of idx-auth, no Nimbus.
 */
public final class IndependentVerifier {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A verified token's decoded header and claims. */
  public record Verified(JsonNode header, JsonNode claims) {}

  private IndependentVerifier() {}

  /**
   * @throws AssertionError when the token does not verify against the JWKS at {@code jwksUri}
   */
  public static Verified verify(String token, String jwksUri) throws Exception {
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      throw new AssertionError("not a compact JWS: " + parts.length + " parts");
    }
    Base64.Decoder b64 = Base64.getUrlDecoder();
    JsonNode header = JSON.readTree(b64.decode(parts[0]));
    JsonNode claims = JSON.readTree(b64.decode(parts[1]));
    if (!"RS256".equals(header.path("alg").asText())) {
      throw new AssertionError("alg is " + header.path("alg"));
    }
    JsonNode jwks;
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(jwksUri)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError("JWKS fetch answered " + response.statusCode());
      }
      jwks = JSON.readTree(response.body());
    }
    String kid = header.path("kid").asText();
    JsonNode jwk = null;
    for (JsonNode key : jwks.path("keys")) {
      if (kid.equals(key.path("kid").asText())) {
        jwk = key;
      }
    }
    if (jwk == null) {
      throw new AssertionError("kid " + kid + " is not in the JWKS");
    }
    PublicKey key =
        KeyFactory.getInstance("RSA")
            .generatePublic(
                new RSAPublicKeySpec(
                    new BigInteger(1, b64.decode(jwk.path("n").asText())),
                    new BigInteger(1, b64.decode(jwk.path("e").asText()))));
    Signature rs256 = Signature.getInstance("SHA256withRSA");
    rs256.initVerify(key);
    rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    if (!rs256.verify(b64.decode(parts[2]))) {
      throw new AssertionError("signature does not verify with key " + kid);
    }
    return new Verified(header, claims);
  }
}
