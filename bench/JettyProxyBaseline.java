// A reference for bench/gateway-load.sh, not part of idx-auth: Jetty's ProxyHandler.Reverse with
// the gateway's Jetty settings (no reserved threads, a non-blocking HTTP/1.1 client on the server's
// thread pool) and none of its checks. What the gateway costs beyond this is the enforcement; what
// this costs beyond nginx is the Jetty proxy stack.
//
//   java -cp 'cli/target/lib/*' bench/JettyProxyBaseline.java PORT UPSTREAM_URL
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

public class JettyProxyBaseline {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String upstream = args[1];
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("baseline");
    threads.setReservedThreads(0);
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setRequestHeaderSize(32 * 1024);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    ProxyHandler.Reverse proxy =
        new ProxyHandler.Reverse(r -> HttpURI.build(upstream + r.getHttpURI().getPathQuery())) {
          @Override
          protected HttpClient newHttpClient() {
            HttpClientTransportOverHTTP transport =
                new HttpClientTransportOverHTTP(new ClientConnector());
            transport.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
            return new HttpClient(transport);
          }

          @Override
          protected void configureHttpClient(HttpClient client) {
            super.configureHttpClient(client);
            client.setMaxConnectionsPerDestination(512);
            client.setUserAgentField(null);
          }
        };
    proxy.setUseServerThreadPool(true);
    proxy.setViaHost("baseline");
    server.setHandler(proxy);
    server.start();
    server.join();
  }
}
