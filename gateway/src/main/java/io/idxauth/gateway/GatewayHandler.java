package io.idxauth.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Every call to the gateway: gives it a traceability id, answers the gateway's own {@code /_idx/}
 * paths, asks {@link Enforcement} about the rest, and hands an allowed call to the {@link
 * GatewayProxy} it wraps. Parse here, decide there, render in {@link GatewayRefusals}.
 */
final class GatewayHandler extends Handler.Wrapper {

  static final String HEALTH = "/_idx/health";
  private static final byte[] UP = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);

  private final Enforcement enforcement;
  private final DecisionEndpoint decision;

  GatewayHandler(Enforcement enforcement, GatewayProxy proxy) {
    super(proxy);
    this.enforcement = enforcement;
    this.decision = new DecisionEndpoint(enforcement);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String traceabilityId = GatewayIdentityHeaders.newTraceabilityId();
    HttpURI uri = request.getHttpURI();
    String path = uri.getCanonicalPath();
    try {
      if (path == null || !path.startsWith("/")) {
        throw GatewayProblem.invalidRequest("the request target is not an absolute path");
      }
      if (uri.isAmbiguous()) {
        // Jetty refuses most of these itself; a path read two ways is never let through.
        throw GatewayProblem.invalidRequest("the path is ambiguous (encoded / or ., or //)");
      }
      if (path.startsWith(RouteTable.RESERVED_PREFIX)) {
        own(request, response, callback, path, traceabilityId);
        return true;
      }
      Enforcement.Allowed allowed =
          enforcement.decide(
              new Enforcement.Call(
                  request.getMethod(),
                  path,
                  request.getHeaders().getValuesList(HttpHeader.AUTHORIZATION),
                  request.getHeaders().getValuesList(Enforcement.INITIATING_PARTICIPANT),
                  request.getHeaders().getValuesList(Enforcement.MARKET)));
      request.setAttribute(
          GatewayProxy.FORWARD, new GatewayProxy.Forward(allowed, path, traceabilityId));
      response.getHeaders().put(GatewayIdentityHeaders.TRACEABILITY_ID, traceabilityId);
      return super.handle(request, response, callback);
    } catch (GatewayProblem problem) {
      GatewayRefusals.refuse(request, response, callback, problem, traceabilityId, path);
      return true;
    }
  }

  private void own(
      Request request, Response response, Callback callback, String path, String traceabilityId)
      throws GatewayProblem {
    if (path.equals(DecisionEndpoint.PATH)) {
      decision.handle(request, response, callback, traceabilityId);
    } else if (path.equals(HEALTH)) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      response.write(true, ByteBuffer.wrap(UP), callback);
    } else {
      throw GatewayProblem.noRoute(path);
    }
  }
}
