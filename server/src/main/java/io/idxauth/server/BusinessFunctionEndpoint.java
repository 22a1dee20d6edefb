package io.idxauth.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import io.idxauth.core.BusinessFunction;
import io.idxauth.core.Market;
import io.idxauth.core.Participant;
import io.idxauth.store.BusinessFunctions;
import io.idxauth.store.StoreException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Business Function Information API under {@value #BASE}: the catalogue of business functions
 * and the resources they exchange. Any access token of this service that is in force opens it,
 * scoped or not: the seed's example of an IDX API that needs no entitlement. Like every IDX call it
 * must say which participant it is made for and in which market. Refusals are RFC 9457 problems
 * carrying a {@code traceabilityId}, the request id that the log line and {@code X-Request-Id}
 * carry too.
 */
final class BusinessFunctionEndpoint {

  static final String BASE = "/bfi/v1";
  static final String REALM = "Bearer realm=\"idx-bfi\"";

  /** The headers every IDX call carries, besides the token. */
  static final String PARTICIPANT_HEADER = "x-initiatingParticipantId";

  static final String MARKET_HEADER = "x-market";

  /** The one query parameter: {@code expand=true} adds each business function's resources. */
  static final String EXPAND = "expand";

  private static final Logger LOG = LoggerFactory.getLogger(BusinessFunctionEndpoint.class);

  private final OwnTokenVerifier tokens;
  private final Predicate<String> revoked;
  private final BusinessFunctions catalogue;
  private final ObjectMapper json;
  private final ErrorRenderer errors;
  private final byte[] openApi;

  /**
   * @param revoked whether the token with this {@code jti} was revoked
   * @param openApi the API's OpenAPI document, served without a token
   */
  BusinessFunctionEndpoint(
      OwnTokenVerifier tokens,
      Predicate<String> revoked,
      BusinessFunctions catalogue,
      ObjectMapper json,
      ErrorRenderer errors,
      byte[] openApi) {
    this.tokens = tokens;
    this.revoked = revoked;
    this.catalogue = catalogue;
    this.json = json;
    this.errors = errors;
    this.openApi = openApi.clone();
  }

  void register(RoutesConfig routes) {
    routes.before(
        BASE + "/*",
        ctx -> {
          if (!ctx.req().getMethod().equals("GET")) {
            ctx.header("Allow", "GET");
            throw new Refusal(405, "Method Not Allowed", BASE + " accepts only GET", List.of());
          }
        });
    routes.get(BASE + "/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(openApi));
    routes.get(BASE + "/business-functions", this::list);
    routes.get(BASE + "/business-functions/{businessFunctionId}", this::get);
    routes.exception(Refusal.class, this::refuse);
  }

  /** {@code GET /bfi/v1/business-functions[?expand=true]}: all of them, by id. */
  private void list(Context ctx) throws Exception {
    authorize(ctx);
    boolean expand = expand(ctx);
    List<Map<String, Object>> items = new ArrayList<>();
    for (BusinessFunction f : read(ctx, catalogue::all)) {
      items.add(view(f, expand));
    }
    respond(ctx, Map.of("businessFunctions", items));
  }

  /** {@code GET /bfi/v1/business-functions/{businessFunctionId}}: one, always with resources. */
  private void get(Context ctx) throws Exception {
    authorize(ctx);
    expand(ctx);
    String id = ctx.pathParam("businessFunctionId");
    BusinessFunction f =
        read(ctx, () -> catalogue.get(id))
            .orElseThrow(
                () ->
                    new Refusal(
                        404, "Not Found", "no business function '" + quoted(id) + "'", List.of()));
    respond(ctx, view(f, true));
  }

  /**
   * RFC 6750 §2.1: {@code Authorization: Bearer <token>}, a token of this service in force now and
   * not revoked; then the IDX headers.
   */
  private void authorize(Context ctx) {
    List<String> authorization = values(ctx, "Authorization");
    if (authorization.size() > 1) {
      // RFC 6750 §3.1 invalid_request: "uses more than one method for including an access token".
      throw new Refusal(
          400,
          "Bad Request",
          "the Authorization header is given more than once",
          REALM + ", error=\"invalid_request\"");
    }
    String header = authorization.isEmpty() ? "" : authorization.get(0);
    // RFC 6750 §3.1: a request without credentials, or with another scheme, gets the challenge
    // without an error code.
    if (header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new Refusal(
          401,
          "Unauthorized",
          "this API needs an Authorization: Bearer token from /oauth2/token, with or without a"
              + " scope",
          REALM);
    }
    String why;
    try {
      JWTClaimsSet claims = tokens.verify(header.substring(7).trim());
      boolean isRevoked = read(ctx, () -> revoked.test(claims.getJWTID()));
      why = isRevoked ? "the token has been revoked" : null;
    } catch (OwnTokenVerifier.Invalid e) {
      why = e.reason();
    }
    if (why != null) {
      throw new Refusal(
          401,
          "Unauthorized",
          "the bearer token is not valid: " + why,
          REALM
              + ", error=\"invalid_token\", error_description=\""
              + why.replace('"', '\'')
              + "\"");
    }
    List<String> problems = new ArrayList<>();
    String participant = single(ctx, PARTICIPANT_HEADER, problems);
    if (participant != null && !Participant.isValidId(participant)) {
      problems.add(PARTICIPANT_HEADER + ": '" + quoted(participant) + "' is not 1-10 of [A-Z0-9]");
    }
    String market = single(ctx, MARKET_HEADER, problems);
    if (market != null && !Market.isValid(market)) {
      problems.add(
          MARKET_HEADER
              + ": '"
              + quoted(market)
              + "' is not one of "
              + String.join(", ", Market.codes()));
    }
    if (!problems.isEmpty()) {
      throw new Refusal(400, "Bad Request", String.join("; ", problems), problems);
    }
  }

  /** The one value of a required header, or {@code null} with a problem named after it. */
  private static String single(Context ctx, String name, List<String> problems) {
    List<String> given = values(ctx, name);
    if (given.isEmpty() || given.get(0).isEmpty()) {
      problems.add(name + ": required");
      return null;
    }
    if (given.size() > 1) {
      problems.add(name + ": given more than once");
      return null;
    }
    return given.get(0);
  }

  private static List<String> values(Context ctx, String header) {
    return Collections.list(ctx.req().getHeaders(header));
  }

  /** {@code expand}: absent or false, or true; anything else is refused. */
  private static boolean expand(Context ctx) {
    List<String> given = ctx.queryParams(EXPAND);
    if (given.isEmpty()) {
      return false;
    }
    String problem =
        given.size() > 1
            ? EXPAND + ": given more than once"
            : given.get(0).equals("true") || given.get(0).equals("false")
                ? null
                : EXPAND + ": '" + quoted(given.get(0)) + "' is not true or false";
    if (problem != null) {
      throw new Refusal(400, "Bad Request", problem, List.of(problem));
    }
    return given.get(0).equals("true");
  }

  /** A read of the store; when it cannot be read, a 503 problem of this API. */
  private static <T> T read(Context ctx, Supplier<T> read) {
    try {
      return read.get();
    } catch (StoreException e) {
      LOG.warn("store unavailable on {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
      ctx.header("Retry-After", "1");
      throw new Refusal(
          503, "Service Unavailable", "the catalogue cannot be read now; try again", List.of());
    }
  }

  private static Map<String, Object> view(BusinessFunction f, boolean expand) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("businessFunctionId", f.id());
    item.put("name", f.name());
    item.put("description", f.description());
    if (expand) {
      List<Map<String, Object>> resources = new ArrayList<>();
      for (BusinessFunction.Resource r : f.resources()) {
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("resource", r.resource());
        resource.put("schemaVersions", r.schemaVersions());
        resource.put("payloadTypes", r.payloadTypes());
        resource.put("retention", r.retention().toString());
        resources.add(resource);
      }
      item.put("resources", resources);
    }
    return item;
  }

  private void respond(Context ctx, Object body) throws Exception {
    ctx.status(200).contentType("application/json").result(json.writeValueAsBytes(body));
  }

  /** An RFC 9457 problem with the traceability id, and RFC 6750's challenge where it has one. */
  private void refuse(Refusal e, Context ctx) {
    String traceabilityId = ctx.res().getHeader("X-Request-Id");
    LOG.info(
        "bfi refused {} {}: {} {} traceabilityId={}",
        ctx.method(),
        ctx.path(),
        e.status,
        e.getMessage(),
        traceabilityId);
    ErrorRenderer.noStore(ctx);
    if (e.wwwAuthenticate != null) {
      ctx.header("WWW-Authenticate", e.wwwAuthenticate);
    }
    Map<String, Object> extensions = new LinkedHashMap<>();
    if (!e.errors.isEmpty()) {
      extensions.put("errors", e.errors);
    }
    extensions.put("traceabilityId", traceabilityId);
    errors.problem(ctx, e.status, e.title, e.getMessage(), extensions);
  }

  /** A value the caller sent, shortened for a message: never more than 40 characters of it. */
  private static String quoted(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "…";
  }

  /** A refusal of this API, rendered by {@link #refuse}. */
  static final class Refusal extends RuntimeException {
    final int status;
    final String title;
    final List<String> errors;
    final String wwwAuthenticate;

    /** A problem; {@code errors} lists each thing wrong, named by header or parameter. */
    Refusal(int status, String title, String detail, List<String> errors) {
      super(detail, null, false, false);
      this.status = status;
      this.title = title;
      this.errors = List.copyOf(errors);
      this.wwwAuthenticate = null;
    }

    /** An RFC 6750 §3 refusal of the token, with its {@code WWW-Authenticate} challenge. */
    Refusal(int status, String title, String detail, String wwwAuthenticate) {
      super(detail, null, false, false);
      this.status = status;
      this.title = title;
      this.errors = List.of();
      this.wwwAuthenticate = wwwAuthenticate;
    }
  }
}
