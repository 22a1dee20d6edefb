package io.idxauth.gateway;

import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /_idx/decision}: the gateway's checks for another gateway, in the shape of nginx's {@code
 * auth_request}. The caller (nginx) sends the original call's method and URI in {@code
 * X-Original-Method} and {@code X-Original-URI}, with the call's {@code Authorization}, {@code
 * x-initiatingParticipantId} and {@code x-market}. The same {@link Enforcement} decides, rate
 * limits included.
 *
 * <ul>
 *   <li>Allowed: 204 with the identity headers ({@code x-idx-client-id}, {@code
 *       x-idx-participant-id}, {@code x-idx-initiating-participant-id}, {@code
 *       x-idx-traceability-id}) for {@code auth_request_set}.
 *   <li>Refused: nginx accepts only 401 and 403 from an auth subrequest (any other status becomes a
 *       500), so an invalid or missing token is 401 and every other refusal 403. The refusal as the
 *       caller should see it travels in headers: {@code X-Idx-Status} (400, 403, 404, 405 or 429),
 *       {@code X-Idx-Problem} (the RFC 9457 body, JSON in ASCII), {@code WWW-Authenticate}, {@code
 *       Retry-After}; see docs/nginx/idx-auth-decision.conf for how nginx answers with them.
 * </ul>
 */
final class DecisionEndpoint {

  static final String PATH = "/_idx/decision";
  static final String ORIGINAL_METHOD = "X-Original-Method";
  static final String ORIGINAL_URI = "X-Original-URI";
  static final String STATUS = "X-Idx-Status";
  static final String PROBLEM = "X-Idx-Problem";

  private static final Logger LOG = LoggerFactory.getLogger(DecisionEndpoint.class);

  private final Enforcement enforcement;

  DecisionEndpoint(Enforcement enforcement) {
    this.enforcement = enforcement;
  }

  void handle(Request request, Response response, Callback callback, String traceabilityId) {
    String method = request.getHeaders().get(ORIGINAL_METHOD);
    String uri = request.getHeaders().get(ORIGINAL_URI);
    if (method == null || uri == null) {
      // The integration is broken, not the call: a server error, so that nginx says so.
      LOG.warn(
          "decision request without {} or {}: configure the calling gateway to send both",
          ORIGINAL_METHOD,
          ORIGINAL_URI);
      GatewayProblem problem =
          GatewayProblem.internal(
              "the decision request needs " + ORIGINAL_METHOD + " and " + ORIGINAL_URI);
      GatewayRefusals.headers(response, problem, traceabilityId);
      GatewayRefusals.write(response, callback, 500, problem.body(PATH, traceabilityId));
      return;
    }
    String path = uri;
    try {
      HttpURI original = parse(uri);
      path = original.getCanonicalPath();
      Enforcement.Allowed allowed =
          enforcement.decide(
              new Enforcement.Call(
                  method,
                  path,
                  request.getHeaders().getValuesList(HttpHeader.AUTHORIZATION),
                  request.getHeaders().getValuesList(Enforcement.INITIATING_PARTICIPANT),
                  request.getHeaders().getValuesList(Enforcement.MARKET)));
      response.setStatus(HttpStatus.NO_CONTENT_204);
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      response.getHeaders().put(GatewayIdentityHeaders.TRACEABILITY_ID, traceabilityId);
      GatewayIdentityHeaders.put(response.getHeaders(), allowed);
      callback.succeeded();
    } catch (GatewayProblem problem) {
      GatewayRefusals.log(method, path, problem, traceabilityId);
      byte[] body = problem.body(path, traceabilityId);
      GatewayRefusals.headers(response, problem, traceabilityId);
      response.getHeaders().put(STATUS, Integer.toString(problem.status()));
      // ESCAPE_NON_ASCII and JSON's own escapes keep the body a valid header value.
      response.getHeaders().put(PROBLEM, new String(body, StandardCharsets.US_ASCII));
      GatewayRefusals.write(response, callback, problem.status() == 401 ? 401 : 403, body);
    }
  }

  /** The original URI, refused when it is malformed or ambiguous (%2F, %2E%2E, //, ..;). */
  private static HttpURI parse(String uri) throws GatewayProblem {
    HttpURI original;
    try {
      original = HttpURI.build(uri);
    } catch (IllegalArgumentException e) {
      throw GatewayProblem.invalidRequest(ORIGINAL_URI + " is not a URI");
    }
    if (original.getCanonicalPath() == null || !original.getCanonicalPath().startsWith("/")) {
      throw GatewayProblem.invalidRequest(ORIGINAL_URI + " is not an absolute path");
    }
    if (original.isAmbiguous()) {
      throw GatewayProblem.invalidRequest("the path is ambiguous (encoded / or ., or //)");
    }
    return original;
  }
}
