package io.idxauth.gateway;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A small upstream API for gateway tests: it remembers the last call it saw and answers with the
 * body it got. Paths ending in {@code /stream-up} and {@code /stream-down} prove streaming; paths
 * under {@code /slow/} answer after 3 s.
 */
final class EchoUpstream implements AutoCloseable {

  /** A call as the upstream saw it; header names compare without case. */
  record Seen(String method, String uri, Map<String, List<String>> headers) {
    List<String> header(String name) {
      return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }
  }

  static final byte[] FIRST = "first part;".getBytes(StandardCharsets.UTF_8);
  static final byte[] SECOND = "second part".getBytes(StandardCharsets.UTF_8);

  final CountDownLatch firstPartArrived = new CountDownLatch(1);
  final CountDownLatch releaseSecondPart = new CountDownLatch(1);
  private final AtomicReference<Seen> last = new AtomicReference<>();
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();

  private EchoUpstream(HttpServer server) {
    this.server = server;
  }

  static EchoUpstream start() throws IOException {
    EchoUpstream upstream =
        new EchoUpstream(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
    upstream.server.createContext("/", upstream::handle);
    upstream.server.setExecutor(upstream.threads);
    upstream.server.start();
    return upstream;
  }

  int port() {
    return server.getAddress().getPort();
  }

  Seen last() {
    return last.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, List<String>> headers = new TreeMap<>();
      Headers in = exchange.getRequestHeaders();
      in.forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
      String path = exchange.getRequestURI().getRawPath();
      last.set(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers));
      if (path.endsWith("/stream-up")) {
        InputStream body = exchange.getRequestBody();
        byte[] first = new byte[FIRST.length];
        int got = 0;
        while (got < first.length) {
          int n = body.read(first, got, first.length - got);
          if (n < 0) {
            break;
          }
          got += n;
        }
        firstPartArrived.countDown();
        byte[] rest = body.readAllBytes();
        respond(exchange, concat(first, rest));
      } else if (path.endsWith("/stream-down")) {
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(200, 0); // chunked
        OutputStream out = exchange.getResponseBody();
        out.write(FIRST);
        out.flush();
        await(releaseSecondPart);
        out.write(SECOND);
      } else if (path.startsWith("/slow/")) {
        sleep(3_000);
        respond(exchange, new byte[0]);
      } else {
        respond(exchange, exchange.getRequestBody().readAllBytes());
      }
    } catch (IOException e) {
      // The gateway gave up on this call (a timeout test): nothing to answer.
    }
  }

  private static void respond(HttpExchange exchange, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
    // An upstream's own id, which the gateway must not pass on beside the call's.
    exchange.getResponseHeaders().set("x-idx-traceability-id", "from-the-upstream");
    exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
