package io.idxauth.gateway;

import io.idxauth.core.Market;
import io.idxauth.core.Operation;
import io.idxauth.core.Participant;
import java.util.List;
import java.util.Objects;

/**
 * The gateway's decision on one call, the same for the proxy and for the decision endpoint: which
 * route takes it, whether its bearer token is valid, whether its IDX headers are well formed,
 * whether the token grants the route's entity and the method's operation for the initiating
 * participant, and whether that participant is within the route's rate limits. Checks run in that
 * order, so a caller without a valid token learns nothing of the rest, and a refused call takes
 * nothing from the allowance.
 */
public final class Enforcement {

  public static final String INITIATING_PARTICIPANT = "x-initiatingParticipantId";
  public static final String MARKET = "x-market";

  /**
   * What the gateway reads from a call, before it judges it.
   *
   * @param method the HTTP method
   * @param path the canonical path (decoded, dot segments resolved)
   * @param authorization every {@code Authorization} header of the call
   * @param initiatingParticipantId every {@code x-initiatingParticipantId} header
   * @param market every {@code x-market} header
   */
  public record Call(
      String method,
      String path,
      List<String> authorization,
      List<String> initiatingParticipantId,
      List<String> market) {

    public Call {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(path, "path");
      authorization = List.copyOf(authorization);
      initiatingParticipantId = List.copyOf(initiatingParticipantId);
      market = List.copyOf(market);
    }
  }

  /** A call let through: the route that takes it and the caller's identity for the upstream. */
  public record Allowed(
      Route route, ValidatedToken token, String initiatingParticipantId, String market) {}

  private final RouteTable routes;
  private final TokenValidator validator;
  private final RateLimiter limiter;

  public Enforcement(RouteTable routes, TokenValidator validator, RateLimiter limiter) {
    this.routes = Objects.requireNonNull(routes, "routes");
    this.validator = Objects.requireNonNull(validator, "validator");
    this.limiter = Objects.requireNonNull(limiter, "limiter");
  }

  /**
   * Decides on {@code call}.
   *
   * @throws GatewayProblem the refusal: 404 no route, 405 method, 401 token, 400 headers, 403
   *     scope, 429 rate limit
   */
  public Allowed decide(Call call) throws GatewayProblem {
    Route route = routes.match(call.path());
    if (route == null) {
      throw GatewayProblem.noRoute(call.path());
    }
    Operation operation = route.operation(call.method());
    if (operation == null) {
      throw GatewayProblem.methodNotAllowed(call.method(), route);
    }
    ValidatedToken token = token(call.authorization());
    String initiating = single(call.initiatingParticipantId(), INITIATING_PARTICIPANT);
    if (!Participant.isValidId(initiating)) {
      throw GatewayProblem.invalidRequest(
          INITIATING_PARTICIPANT + " must be a participant id: 1-10 of [A-Z0-9]");
    }
    String market = single(call.market(), MARKET);
    if (!Market.isValid(market)) {
      throw GatewayProblem.invalidRequest(
          MARKET + " must be one of " + String.join(", ", Market.codes()));
    }
    String counted = initiating;
    if (route.entity() != null) {
      permit(token, route.entity(), operation, initiating);
    } else {
      // An open route verifies no initiating participant: counting per the header's value would let
      // a caller dodge the limit by inventing participants, so it counts per the token's owner.
      counted = token.participantId();
    }
    long wait = limiter.acquire(route, counted);
    if (wait > 0) {
      throw GatewayProblem.rateLimited(route, wait, token);
    }
    return new Allowed(route, token, initiating, market);
  }

  /** RFC 6750 §2.1: {@code Authorization: Bearer <b64token>}, once. */
  private ValidatedToken token(List<String> authorization) throws GatewayProblem {
    if (authorization.isEmpty()) {
      throw GatewayProblem.missingToken();
    }
    if (authorization.size() > 1) {
      throw GatewayProblem.invalidRequest("the Authorization header is given more than once");
    }
    String value = authorization.get(0);
    if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      // Another scheme (Basic, say) is no bearer token at all: the bare challenge (RFC 6750 §3.1).
      throw GatewayProblem.missingToken();
    }
    String token = value.substring(7).strip();
    try {
      return validator.validate(token);
    } catch (InvalidTokenException e) {
      throw GatewayProblem.invalidToken(e.reason());
    }
  }

  private static String single(List<String> values, String header) throws GatewayProblem {
    if (values.isEmpty()) {
      throw GatewayProblem.invalidRequest(header + " is required");
    }
    if (values.size() > 1) {
      throw GatewayProblem.invalidRequest(header + " is given more than once");
    }
    return values.get(0);
  }

  private static void permit(
      ValidatedToken token, String entity, Operation operation, String participant)
      throws GatewayProblem {
    EntityGrant grant = token.grants().get(entity);
    if (grant == null) {
      throw GatewayProblem.insufficientScope(
          entity,
          token.grants().isEmpty()
              ? "the token grants no entity (was it requested without scope?); this route needs '"
                  + entity
                  + "'"
              : "the token does not grant the entity '" + entity + "'",
          token);
    }
    if (!grant.operations().contains(operation)) {
      throw GatewayProblem.insufficientScope(
          entity,
          "the token grants '"
              + entity
              + "' but not the operation '"
              + operation.wireName()
              + "' this call needs",
          token);
    }
    if (!grant.participantIds().contains(participant)) {
      throw GatewayProblem.insufficientScope(
          entity,
          "the token grants '"
              + entity
              + "' "
              + operation.wireName()
              + " but not for the initiating participant "
              + participant,
          token);
    }
  }
}
