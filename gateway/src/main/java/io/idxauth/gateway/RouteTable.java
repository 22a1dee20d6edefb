package io.idxauth.gateway;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.idxauth.core.Entity;
import io.idxauth.core.Operation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;

/**
 * The gateway's routes, read from a YAML file and validated whole: a file with any problem is
 * refused, with every problem named by its path ({@code routes[1].rateLimits[0]: …}). Calls take
 * the first route, in file order, whose path matches.
 *
 * <pre>
 * routes:
 *   - path: /pqd/v1/**
 *     upstream: http://127.0.0.1:9000
 *     entity: pqd                 # or null: any valid token opens the route
 *     operations: {GET: read, POST: create}   # replaces the default table
 *     rateLimits: [50/minute, 1440/day]
 *     timeout: 30s
 *     forwardToken: true          # pass the caller's Authorization header on
 * </pre>
 *
 * <p>Unknown fields are refused rather than ignored: a misspelt {@code ratelimits} must not quietly
 * leave a route unlimited. So is a route without {@code entity}: an open route is written {@code
 * entity: null}, on purpose. YAML anchors and aliases are refused (the tree reader would hand back
 * an alias's name as if it were the value).
 */
public final class RouteTable {

  /** Paths the gateway answers itself; no route may take them. */
  public static final String RESERVED_PREFIX = "/_idx/";

  private static final Set<String> FIELDS =
      Set.of("path", "upstream", "entity", "operations", "rateLimits", "timeout", "forwardToken");
  private static final Pattern METHOD = Pattern.compile("[A-Z][A-Z0-9-]{0,31}");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** A routes file that cannot be used; {@link #problems()} names each problem by its path. */
  public static final class Invalid extends Exception {
    private final List<String> problems;

    Invalid(List<String> problems) {
      super(String.join("; ", problems), null, false, false);
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }

  private final List<Route> routes;

  public RouteTable(List<Route> routes) {
    this.routes = List.copyOf(routes);
  }

  /** Reads and validates a routes file. */
  public static RouteTable read(Path file) throws Invalid {
    byte[] yaml;
    try {
      yaml = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new Invalid(List.of(file + ": cannot read: " + e.getMessage()));
    }
    return parse(yaml);
  }

  /** Validates the YAML text of a routes file. */
  public static RouteTable parse(byte[] yaml) throws Invalid {
    return new Reader().routes(tree(yaml));
  }

  public List<Route> routes() {
    return routes;
  }

  /** The first route whose path matches {@code path} (canonical), or {@code null}. */
  public Route match(String path) {
    for (Route route : routes) {
      if (route.path().matches(path)) {
        return route;
      }
    }
    return null;
  }

  /** Collects the problems of one file. */
  private static final class Reader {
    private final List<String> problems = new ArrayList<>();

    RouteTable routes(JsonNode root) throws Invalid {
      if (root == null || root.isMissingNode() || root.isNull()) {
        throw new Invalid(List.of("(file): the file is empty"));
      }
      if (!root.isObject() || !root.has("routes")) {
        throw new Invalid(List.of("(file): expected a mapping with a list of routes"));
      }
      unknownFields(root, Set.of("routes"), "");
      JsonNode list = root.get("routes");
      if (!list.isArray() || list.isEmpty()) {
        problems.add("routes: expected a list of at least one route");
        throw new Invalid(problems);
      }
      List<Route> routes = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        String at = "routes[" + i + "]";
        JsonNode node = list.get(i);
        if (!node.isObject()) {
          problems.add(at + ": expected a mapping");
          continue;
        }
        Route route = route(at, node);
        if (route == null) {
          continue;
        }
        for (int j = 0; j < routes.size(); j++) {
          Route earlier = routes.get(j);
          if (earlier.path().covers(route.path())) {
            problems.add(
                at
                    + ".path: never reached: the earlier route with path '"
                    + earlier.path()
                    + "' takes every call it would");
          }
        }
        routes.add(route);
      }
      if (!problems.isEmpty()) {
        throw new Invalid(problems);
      }
      return new RouteTable(routes);
    }

    private Route route(String at, JsonNode node) {
      int before = problems.size();
      unknownFields(node, FIELDS, at + ".");
      RoutePattern path = path(at + ".path", node.get("path"));
      URI upstream = upstream(at + ".upstream", node.get("upstream"));
      String entity = entity(at + ".entity", node);
      Map<String, Operation> operations = operations(at + ".operations", node.get("operations"));
      List<Route.RateLimit> limits = rateLimits(at + ".rateLimits", node.get("rateLimits"));
      Duration timeout = timeout(at + ".timeout", node.get("timeout"));
      boolean forwardToken = forwardToken(at + ".forwardToken", node.get("forwardToken"));
      if (problems.size() > before) {
        return null;
      }
      return new Route(path, upstream, entity, operations, limits, timeout, forwardToken);
    }

    private void unknownFields(JsonNode node, Set<String> known, String prefix) {
      for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!known.contains(name)) {
          problems.add(
              prefix
                  + name
                  + ": unknown field (known: "
                  + String.join(", ", known.stream().sorted().toList())
                  + ")");
        }
      }
    }

    private RoutePattern path(String at, JsonNode node) {
      String text = text(at, node, true);
      if (text == null) {
        return null;
      }
      try {
        RoutePattern pattern = RoutePattern.parse(text);
        if (text.equals("/_idx") || text.startsWith(RESERVED_PREFIX)) {
          // A catch-all such as /** may stand: the gateway answers /_idx/ before any route.
          problems.add(at + ": '" + text + "' is reserved for the gateway's own endpoints");
          return null;
        }
        return pattern;
      } catch (IllegalArgumentException e) {
        problems.add(at + ": '" + text + "' " + e.getMessage());
        return null;
      }
    }

    private URI upstream(String at, JsonNode node) {
      String text = text(at, node, true);
      if (text == null) {
        return null;
      }
      URI uri;
      try {
        uri = new URI(text);
      } catch (URISyntaxException e) {
        problems.add(at + ": '" + text + "' is not a URL");
        return null;
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        problems.add(at + ": '" + text + "' is not an http:// or https:// URL");
        return null;
      }
      if (uri.getHost() == null) {
        problems.add(at + ": '" + text + "' names no host");
        return null;
      }
      if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getUserInfo() != null) {
        problems.add(at + ": '" + text + "' may hold only scheme, host, port and a path");
        return null;
      }
      String base = text;
      while (base.endsWith("/")) {
        base = base.substring(0, base.length() - 1);
      }
      return URI.create(base);
    }

    private String entity(String at, JsonNode route) {
      if (!route.has("entity")) {
        problems.add(at + ": required: the entity a token must grant, or null for any valid token");
        return null;
      }
      JsonNode node = route.get("entity");
      if (node.isNull()) {
        return null;
      }
      String name = text(at, node, true);
      if (name != null && !Entity.isValidName(name)) {
        problems.add(at + ": '" + name + "' is not an entity name (" + Entity.namePattern() + ")");
      }
      return name;
    }

    private Map<String, Operation> operations(String at, JsonNode node) {
      if (node == null || node.isNull()) {
        return Route.DEFAULT_OPERATIONS;
      }
      if (!node.isObject() || node.isEmpty()) {
        problems.add(at + ": expected a mapping of HTTP methods to operations, e.g. {GET: read}");
        return Map.of();
      }
      Map<String, Operation> out = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String method = e.getKey();
        if (!METHOD.matcher(method).matches()) {
          problems.add(at + "." + method + ": not an HTTP method in capitals (GET, POST, …)");
          continue;
        }
        String name = e.getValue().isTextual() ? e.getValue().asText() : null;
        Operation op = Operation.fromWireName(name);
        if (op == null) {
          problems.add(
              at
                  + "."
                  + method
                  + ": expected one of create, read, update, delete, execute"
                  + (name == null ? "" : ", not '" + name + "'"));
          continue;
        }
        out.put(method, op);
      }
      return out;
    }

    private List<Route.RateLimit> rateLimits(String at, JsonNode node) {
      if (node == null || node.isNull()) {
        return List.of();
      }
      if (!node.isArray()) {
        problems.add(at + ": expected a list such as [50/minute, 1440/day]");
        return List.of();
      }
      List<Route.RateLimit> out = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        String text = text(at + "[" + i + "]", node.get(i), true);
        if (text == null) {
          continue;
        }
        try {
          out.add(Route.RateLimit.parse(text));
        } catch (IllegalArgumentException e) {
          problems.add(at + "[" + i + "]: " + e.getMessage());
        }
      }
      return out;
    }

    private Duration timeout(String at, JsonNode node) {
      if (node == null || node.isNull()) {
        return Route.DEFAULT_TIMEOUT;
      }
      String text = text(at, node, true);
      if (text == null) {
        return null;
      }
      try {
        Duration timeout = GatewayConfig.parseDuration(text);
        if (timeout.isZero()) {
          problems.add(at + ": must be more than 0");
        }
        return timeout;
      } catch (IllegalArgumentException e) {
        problems.add(at + ": " + e.getMessage());
        return null;
      }
    }

    private boolean forwardToken(String at, JsonNode node) {
      if (node == null || node.isNull()) {
        return true;
      }
      if (!node.isBoolean()) {
        problems.add(at + ": expected true or false");
        return true;
      }
      return node.asBoolean();
    }

    private String text(String at, JsonNode node, boolean required) {
      if (node == null || node.isNull()) {
        if (required) {
          problems.add(at + ": required");
        }
        return null;
      }
      if (!node.isValueNode() || node.asText().isBlank()) {
        problems.add(at + ": expected a text value");
        return null;
      }
      return node.asText().trim();
    }
  }

  /** The YAML tree, with anchors and aliases refused; errors name the line, never quote it. */
  private static JsonNode tree(byte[] yaml) throws Invalid {
    try (InputStreamReader reader =
        new InputStreamReader(new ByteArrayInputStream(yaml), StandardCharsets.UTF_8)) {
      for (Event event : new Yaml(new LoaderOptions()).parse(reader)) {
        boolean anchor = event instanceof NodeEvent node && node.getAnchor() != null;
        if (event instanceof AliasEvent || anchor) {
          throw new Invalid(
              List.of(
                  "(file): YAML anchors and aliases (&name, *name) are not accepted, at "
                      + where(event.getStartMark())));
        }
      }
    } catch (MarkedYAMLException e) {
      String problem = e.getProblem() == null ? "" : ": " + e.getProblem();
      throw new Invalid(
          List.of(
              e.getProblemMark() == null
                  ? "(file): not valid YAML" + problem
                  : "(file): not valid YAML at " + where(e.getProblemMark()) + problem));
    } catch (RuntimeException | IOException e) {
      throw new Invalid(List.of("(file): not valid YAML"));
    }
    try {
      return YAML.readTree(yaml);
    } catch (JacksonException e) {
      JsonLocation at = e.getLocation();
      throw new Invalid(
          List.of(
              at == null
                  ? "(file): not valid YAML"
                  : "(file): not valid YAML at line "
                      + at.getLineNr()
                      + ", column "
                      + at.getColumnNr()));
    } catch (IOException e) {
      throw new Invalid(List.of("(file): not valid YAML"));
    }
  }

  private static String where(Mark mark) {
    return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
  }
}
