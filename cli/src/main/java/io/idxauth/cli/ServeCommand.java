package io.idxauth.cli;

import io.idxauth.server.IdxAuthServer;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code idx-auth serve}: runs the token service until stopped. */
@Command(name = "serve", description = "Run the token service.")
final class ServeCommand implements Callable<Integer> {

  @Mixin ServerOptions options;

  @Override
  public Integer call() throws InterruptedException {
    IdxAuthServer server = IdxAuthServer.start(options.load(Map.of()));
    awaitShutdown(server);
    return 0;
  }

  /** Serves until the process is told to stop, or the calling thread is interrupted. */
  static void awaitShutdown(AutoCloseable server) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              closeQuietly(server);
              stopped.countDown();
            },
            "shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Runtime.getRuntime().removeShutdownHook(hook);
      closeQuietly(server);
      throw e;
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // Stopping anyway.
    }
  }
}
