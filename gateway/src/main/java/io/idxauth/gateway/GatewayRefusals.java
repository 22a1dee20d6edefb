package io.idxauth.gateway;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The one place a {@link GatewayProblem} becomes a response and a log line. Each refusal logs one
 * structured line (logger {@code io.idxauth.gateway.refusal}) with the traceability id the caller
 * also gets; never the token.
 */
final class GatewayRefusals {

  static final String PROBLEM_JSON = "application/problem+json";
  private static final Logger LOG = LoggerFactory.getLogger("io.idxauth.gateway.refusal");

  private GatewayRefusals() {}

  /** Answers {@code request} with {@code problem} and logs it. */
  static void refuse(
      Request request,
      Response response,
      Callback callback,
      GatewayProblem problem,
      String traceabilityId,
      String path) {
    log(request.getMethod(), path, problem, traceabilityId);
    headers(response, problem, traceabilityId);
    write(response, callback, problem.status(), problem.body(path, traceabilityId));
  }

  /** Sets the problem's own headers: the challenge, Retry-After, Allow and the call's id. */
  static void headers(Response response, GatewayProblem problem, String traceabilityId) {
    var headers = response.getHeaders();
    headers.put(GatewayIdentityHeaders.TRACEABILITY_ID, traceabilityId);
    headers.put(HttpHeader.CACHE_CONTROL, "no-store");
    String challenge = problem.wwwAuthenticate();
    if (challenge != null) {
      headers.put(HttpHeader.WWW_AUTHENTICATE, challenge);
    }
    if (problem.retryAfterSeconds() > 0) {
      headers.put(HttpHeader.RETRY_AFTER, Long.toString(problem.retryAfterSeconds()));
    }
    if (problem.allow() != null) {
      headers.put(HttpHeader.ALLOW, problem.allow());
    }
  }

  static void write(Response response, Callback callback, int status, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, PROBLEM_JSON);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  static void log(String method, String path, GatewayProblem problem, String traceabilityId) {
    LoggingEventBuilder line =
        (problem.status() >= 500 ? LOG.atWarn() : LOG.atInfo())
            .addKeyValue("traceability_id", traceabilityId)
            .addKeyValue("status", problem.status())
            .addKeyValue("method", method)
            .addKeyValue("path", path);
    if (problem.bearerError() != null) {
      line = line.addKeyValue("error", problem.bearerError());
    }
    if (problem.clientId() != null) {
      line = line.addKeyValue("client_id", problem.clientId());
    }
    line.log(
        "refused {} {}: {} {} [{}]",
        method,
        path,
        problem.status(),
        problem.detail(),
        traceabilityId);
  }
}
