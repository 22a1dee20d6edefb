package io.idxauth.gateway;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.http.HttpFields;

/**
 * The headers in which the gateway tells an upstream who calls: set by the gateway alone, every
 * {@code x-idx-*} header a caller sends being dropped first.
 *
 * <ul>
 *   <li>{@code x-idx-client-id}: the service account that holds the token ({@code client_id})
 *   <li>{@code x-idx-participant-id}: the participant that owns that account ({@code
 *       participant_id})
 *   <li>{@code x-idx-initiating-participant-id}: the participant the call is made for, checked
 *       against the token's grant on an entity route (on an open route, as the caller said)
 *   <li>{@code x-idx-traceability-id}: the call's id, also in the gateway's log lines and in the
 *       response to the caller
 * </ul>
 */
final class GatewayIdentityHeaders {

  static final String PREFIX = "x-idx-";
  static final String CLIENT_ID = "x-idx-client-id";
  static final String PARTICIPANT_ID = "x-idx-participant-id";
  static final String INITIATING_PARTICIPANT_ID = "x-idx-initiating-participant-id";
  static final String TRACEABILITY_ID = "x-idx-traceability-id";

  private GatewayIdentityHeaders() {}

  /** Whether a header of this (lower-case) name is the gateway's to set. */
  static boolean isReserved(String lowerCaseName) {
    return lowerCaseName.startsWith(PREFIX);
  }

  /** Sets the caller's identity; {@code TRACEABILITY_ID} is set by whoever wrote the call's id. */
  static void put(HttpFields.Mutable headers, Enforcement.Allowed allowed) {
    headers.put(CLIENT_ID, allowed.token().clientId());
    headers.put(PARTICIPANT_ID, allowed.token().participantId());
    headers.put(INITIATING_PARTICIPANT_ID, allowed.initiatingParticipantId());
  }

  /**
   * A new traceability id: a random (version 4) UUID. Unique enough to find a call in the logs and
   * not a secret, so it is drawn without SecureRandom on the hot path.
   */
  static String newTraceabilityId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (random.nextLong() & ~(0xC000000000000000L)) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
