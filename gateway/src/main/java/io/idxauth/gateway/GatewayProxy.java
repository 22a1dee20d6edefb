package io.idxauth.gateway;

import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an allowed call on to its route's upstream and streams the answer back (Jetty's {@link
 * ProxyHandler.Reverse}: bodies flow both ways as they come, nothing is buffered whole). The
 * upstream gets the canonical path the gateway judged, not the caller's raw one, so that it cannot
 * read {@code /pqd/v1/../../mtrd} as another route; it gets the caller's headers minus hop-by-hop
 * ones, minus any {@code x-idx-*}, plus the identity headers; {@code Authorization} too unless the
 * route says {@code forwardToken: false}.
 */
final class GatewayProxy extends ProxyHandler.Reverse {

  /** The request attribute holding the {@link Forward} of an allowed call. */
  static final String FORWARD = GatewayProxy.class.getName() + ".forward";

  private static final Logger LOG = LoggerFactory.getLogger(GatewayProxy.class);

  /** RFC 9110 §7.6.1 hop-by-hop fields, and Host: the upstream gets its own. */
  private static final EnumSet<HttpHeader> NOT_FORWARDED =
      EnumSet.of(
          HttpHeader.CONNECTION,
          HttpHeader.KEEP_ALIVE,
          HttpHeader.PROXY_AUTHORIZATION,
          HttpHeader.PROXY_AUTHENTICATE,
          HttpHeader.PROXY_CONNECTION,
          HttpHeader.TRANSFER_ENCODING,
          HttpHeader.TE,
          HttpHeader.TRAILER,
          HttpHeader.UPGRADE,
          HttpHeader.HOST);

  /** An allowed call, as the gateway hands it to the proxy. */
  record Forward(Enforcement.Allowed allowed, String path, String traceabilityId) {}

  private final Duration connectTimeout;

  GatewayProxy(Duration connectTimeout) {
    super(GatewayProxy::target);
    this.connectTimeout = connectTimeout;
    setUseServerThreadPool(true);
    setViaHost("idx-auth-gateway");
  }

  private static HttpURI target(Request request) {
    Forward forward = (Forward) request.getAttribute(FORWARD);
    String query = request.getHttpURI().getQuery();
    StringBuilder uri =
        new StringBuilder(forward.allowed().route().upstream().toString()).append(forward.path());
    if (query != null) {
      uri.append('?').append(query);
    }
    return HttpURI.from(uri.toString());
  }

  @Override
  protected HttpClient newHttpClient() {
    HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(new ClientConnector());
    // The proxy's response listeners only hand bytes on, asynchronously: they may run on the
    // selector thread, which saves a thread handoff per call (see bench/README.md).
    transport.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
    return new HttpClient(transport);
  }

  @Override
  protected void configureHttpClient(HttpClient client) {
    super.configureHttpClient(client);
    client.setConnectTimeout(connectTimeout.toMillis());
    client.setMaxConnectionsPerDestination(512);
    client.setMaxRequestsQueuedPerDestination(4096);
    // Pooled connections are dropped before a typical upstream keep-alive (nginx 75 s, the JDK's
    // HttpServer 30 s) closes them under a request.
    client.setIdleTimeout(20_000);
    client.setUserAgentField(null);
    // A body goes on with the caller's Content-Type or none: the client would add its default.
    client.setDefaultRequestContentType(null);
  }

  @Override
  protected org.eclipse.jetty.client.Request newProxyToServerRequest(
      Request clientToProxy, HttpURI target) {
    Forward forward = (Forward) clientToProxy.getAttribute(FORWARD);
    // Not HttpURI.toURI(): it quotes the path's % escapes a second time.
    return getHttpClient()
        .newRequest(URI.create(target.asString()))
        .method(clientToProxy.getMethod())
        .idleTimeout(forward.allowed().route().timeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  protected void copyRequestHeaders(
      Request clientToProxy, org.eclipse.jetty.client.Request proxyToServer) {
    Forward forward = (Forward) clientToProxy.getAttribute(FORWARD);
    boolean forwardToken = forward.allowed().route().forwardToken();
    Set<String> connectionListed = connectionListed(clientToProxy);
    proxyToServer.headers(
        out -> {
          for (HttpField field : clientToProxy.getHeaders()) {
            HttpHeader header = field.getHeader();
            if (header != null && NOT_FORWARDED.contains(header)) {
              continue;
            }
            if (header == HttpHeader.AUTHORIZATION && !forwardToken) {
              continue;
            }
            String name = field.getLowerCaseName();
            if (GatewayIdentityHeaders.isReserved(name)
                || (connectionListed != null && connectionListed.contains(name))) {
              continue;
            }
            out.add(field);
          }
          GatewayIdentityHeaders.put(out, forward.allowed());
          out.put(GatewayIdentityHeaders.TRACEABILITY_ID, forward.traceabilityId());
        });
  }

  /** RFC 9110 §7.6.1: fields named in Connection are for this hop only. */
  private static Set<String> connectionListed(Request request) {
    Set<String> names = null;
    for (String value : request.getHeaders().getValuesList(HttpHeader.CONNECTION)) {
      for (String name : value.split(",")) {
        if (names == null) {
          names = new HashSet<>();
        }
        names.add(name.trim().toLowerCase(Locale.ROOT));
      }
    }
    return names;
  }

  /** The call's traceability id is the gateway's: an upstream's own is not passed on beside it. */
  @Override
  protected HttpField filterServerToProxyResponseField(HttpField field) {
    return field.is(GatewayIdentityHeaders.TRACEABILITY_ID) ? null : field;
  }

  /** The upstream refused, reset or stayed silent: 502, or 504 on a timeout, as a problem. */
  @Override
  protected void onServerToProxyResponseFailure(
      Request clientToProxy,
      org.eclipse.jetty.client.Request proxyToServer,
      org.eclipse.jetty.client.Response serverToProxy,
      Response proxyToClient,
      Callback callback,
      Throwable failure) {
    Forward forward = (Forward) clientToProxy.getAttribute(FORWARD);
    Route route = forward.allowed().route();
    boolean timeout =
        failure instanceof TimeoutException || failure instanceof SocketTimeoutException;
    // The one log line of this call: the refusal's fields and the cause, which the caller is not
    // told.
    LOG.atWarn()
        .addKeyValue("traceability_id", forward.traceabilityId())
        .addKeyValue("status", proxyToClient.isCommitted() ? 0 : timeout ? 504 : 502)
        .addKeyValue("method", clientToProxy.getMethod())
        .addKeyValue("path", forward.path())
        .addKeyValue("upstream", route.upstream().toString())
        .log(
            "upstream {} of {} failed{}: {} [{}]",
            route.upstream(),
            route.path(),
            proxyToClient.isCommitted() ? " mid-answer" : "",
            failure.toString(),
            forward.traceabilityId());
    if (proxyToClient.isCommitted()) {
      // Part of the answer is on its way: all that is left is to cut the connection.
      callback.failed(failure);
      return;
    }
    GatewayProblem problem =
        timeout
            ? GatewayProblem.gatewayTimeout(
                "the upstream of " + route.path() + " was silent for " + words(route.timeout()))
            : GatewayProblem.badGateway(
                "the upstream of " + route.path() + " could not be reached or failed");
    proxyToClient.reset();
    GatewayRefusals.headers(proxyToClient, problem, forward.traceabilityId());
    GatewayRefusals.write(
        proxyToClient,
        callback,
        problem.status(),
        problem.body(forward.path(), forward.traceabilityId()));
  }

  private static String words(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
