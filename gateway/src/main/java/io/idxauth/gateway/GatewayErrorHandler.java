package io.idxauth.gateway;

import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own refusals (a malformed request line, headers too large, an ambiguous URI) in the
 * gateway's shape: an RFC 9457 problem with a traceability id, never an HTML page or a stack trace.
 */
final class GatewayErrorHandler extends ErrorHandler {

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    String traceabilityId = GatewayIdentityHeaders.newTraceabilityId();
    String title = HttpStatus.getMessage(code);
    String body =
        "{\"type\":\"about:blank\",\"title\":\""
            + title
            + "\",\"status\":"
            + code
            + ",\"detail\":\""
            + GatewayProblem.quotable(message == null || message.isBlank() ? title : message)
            + "\",\"traceabilityId\":\""
            + traceabilityId
            + "\"}";
    response.getHeaders().put(GatewayIdentityHeaders.TRACEABILITY_ID, traceabilityId);
    GatewayRefusals.write(response, callback, code, body.getBytes(StandardCharsets.UTF_8));
  }
}
