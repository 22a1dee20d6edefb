package io.idxauth.cli;

import io.idxauth.core.AccountPolicy;
import io.idxauth.core.AuditEvent;
import io.idxauth.core.LockoutLedger;
import io.idxauth.store.AdminStore;
import io.idxauth.store.Database;
import io.idxauth.store.JdbcLockoutLedger;
import io.idxauth.store.JdbcStore;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code idx-auth unlock CLIENT_ID}: lifts a lockout straight in the store, on every instance at
 * their next look. The admin API does the same ({@code PATCH …/accounts/{id}} with {@code unlock});
 * this is the way back in when every operator admin is locked out, for whoever can reach the store.
 */
@Command(
    name = "unlock",
    description =
        "Lift a client_id's lockout in the store (every instance sees it within a second); for when"
            + " no operator admin can sign in.")
final class UnlockCommand implements Callable<Integer> {

  @Mixin StoreOptions store;

  @Parameters(paramLabel = "CLIENT_ID", description = "The locked client_id.")
  String clientId;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Map<String, String> env = System.getenv();
    try (Database database = store.open(env)) {
      JdbcStore jdbc = new JdbcStore(database);
      Instant now = Instant.now();
      LockoutLedger.ClientFailures before = new JdbcLockoutLedger(jdbc).unlock(clientId, now);
      if (before == null) {
        out.println(clientId + " has no failures on record; nothing to lift");
        return 0;
      }
      new AdminStore(jdbc, AccountPolicy.DEFAULT)
          .record(
              new AuditEvent(
                  0,
                  now,
                  "account.unlocked",
                  "idx-auth unlock",
                  clientId,
                  null,
                  null,
                  Map.of("via", "command line, straight in the store")));
      out.println("unlocked " + clientId + " on every instance of " + store.describe(env));
      return 0;
    }
  }
}
