// Writes a large provisioning file for bench/scale.sh, not part of idx-auth: PARTICIPANTS
// participants, 20 entities, and ACCOUNTS accounts of ENTITLEMENTS entitlements each, in the
// layout `idx-auth export` writes. The same arguments always give the same file.
//
//   java bench/ScaleProvisioning.java FILE ACCOUNTS PARTICIPANTS ENTITLEMENTS SECRET
//
// Accounts are scale-000001, scale-000002, ..., spread over the participants PART0001... in turn.
// Every account is entitled to pqd and mtrd (so that `scope=pqd mtrd` gets both, whichever account
// asks) and to ENTITLEMENTS - 2 other entities picked at random, each for 1-3 participants and 1-3
// operations.
//
// Every account holds the same secret, SECRET, as one PBKDF2-SHA256 hash computed here once:
// hashing 100,000 secrets one by one on import would measure the slow hash (~50 ms each), not the
// import. The import takes a hash as it is, as it does for the hashes of an export.
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

public class ScaleProvisioning {

  private static final int ITERATIONS = 600_000; // OWASP's figure for PBKDF2-HMAC-SHA256
  private static final List<String> OPERATIONS =
      List.of("create", "read", "update", "delete", "execute");

  public static void main(String[] args) throws IOException, GeneralSecurityException {
    if (args.length != 5) {
      System.err.println(
          "usage: java ScaleProvisioning.java FILE ACCOUNTS PARTICIPANTS ENTITLEMENTS SECRET");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    int accounts = Integer.parseInt(args[1]);
    int participants = Integer.parseInt(args[2]);
    int entitlements = Integer.parseInt(args[3]);
    String hash = pbkdf2(args[4]);

    List<String> entities = new ArrayList<>(List.of("pqd", "mtrd", "sord"));
    for (int i = entities.size() + 1; i <= 20; i++) {
      entities.add(String.format("bf%02d", i));
    }
    if (entitlements < 2 || entitlements > entities.size()) {
      throw new IllegalArgumentException("ENTITLEMENTS must be 2.." + entities.size());
    }
    List<String> others = entities.subList(2, entities.size());

    Random random = new Random(42);
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("# bench/ScaleProvisioning.java: " + String.join(" ", args[1], args[2], args[3]));
      out.write("\nparticipants:\n");
      for (int p = 1; p <= participants; p++) {
        out.write("  - id: " + participant(p) + "\n    name: Participant " + p + "\n");
      }
      out.write("entities:\n");
      for (String e : entities) {
        out.write("  - name: " + e + "\n    kind: business-function\n");
        out.write("    operations: [create, read, update, delete, execute]\n");
      }
      out.write("accounts:\n");
      for (int a = 1; a <= accounts; a++) {
        String owner = participant((a - 1) % participants + 1);
        out.write(String.format("  - clientId: scale-%06d%n", a));
        out.write("    participant: " + owner + "\n    enabled: true\n");
        out.write("    secretHashes:\n      - hash: \"" + hash + "\"\n");
        out.write("    entitlements:\n");
        List<String> picked = new ArrayList<>(List.of("pqd", "mtrd"));
        List<String> shuffled = new ArrayList<>(others);
        Collections.shuffle(shuffled, random);
        picked.addAll(shuffled.subList(0, entitlements - 2));
        for (String entity : picked) {
          TreeSet<String> actFor = new TreeSet<>(List.of(owner));
          for (int n = random.nextInt(3); n > 0; n--) {
            actFor.add(participant(random.nextInt(participants) + 1));
          }
          List<String> ops = new ArrayList<>(OPERATIONS);
          Collections.shuffle(ops, random);
          ops = new ArrayList<>(ops.subList(0, 1 + random.nextInt(3)));
          ops.sort((x, y) -> OPERATIONS.indexOf(x) - OPERATIONS.indexOf(y));
          out.write("      - entity: " + entity + "\n");
          out.write("        participants: [" + String.join(", ", actFor) + "]\n");
          out.write("        operations: [" + String.join(", ", ops) + "]\n");
        }
      }
    }
  }

  private static String participant(int n) {
    return String.format("PART%04d", n);
  }

  /** A PHC string of PBKDF2-HMAC-SHA256, as idx-auth verifies it. */
  private static String pbkdf2(String secret) throws GeneralSecurityException {
    byte[] salt = new byte[16];
    new Random(7).nextBytes(salt); // fixed: the same arguments give the same file
    byte[] derived =
        SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
            .generateSecret(new PBEKeySpec(secret.toCharArray(), salt, ITERATIONS, 256))
            .getEncoded();
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return "$pbkdf2-sha256$i=" + ITERATIONS + "$" + b64.encodeToString(salt) + "$"
        + b64.encodeToString(derived);
  }
}
