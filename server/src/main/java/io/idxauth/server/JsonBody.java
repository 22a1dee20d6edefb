package io.idxauth.server;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.idxauth.core.Operation;
import io.idxauth.core.Participant;
import io.idxauth.core.Role;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A JSON request body of the admin API, read field by field. Every problem is collected with the
 * field's name and reported at once as a 400 problem with an {@code errors} list.
 */
final class JsonBody {

  private static final ObjectMapper STRICT =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private final JsonNode root;
  private final List<String> errors = new ArrayList<>();

  private JsonBody(JsonNode root) {
    this.root = root;
  }

  static JsonBody read(Context ctx, ObjectMapper json, Set<String> fields) {
    String type = ctx.header("Content-Type");
    String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!mediaType.equals("application/json")) {
      throw AdminProblem.unsupportedMediaType();
    }
    JsonNode root;
    try {
      // Strict: a repeated key or anything after the object is refused, so that no other reader
      // of the same body can understand it differently.
      root = STRICT.readTree(ctx.bodyAsBytes());
    } catch (IOException e) {
      throw AdminProblem.badRequest(List.of("(body): not valid JSON"));
    }
    if (root == null || !root.isObject()) {
      throw AdminProblem.badRequest(List.of("(body): expected a JSON object"));
    }
    JsonBody body = new JsonBody(root);
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!fields.contains(name)) {
        body.errors.add(name + ": unknown field (known: " + String.join(", ", fields) + ")");
      }
    }
    return body;
  }

  boolean has(String field) {
    return root.has(field);
  }

  /** True when the field is present and JSON null. */
  boolean isNull(String field) {
    return root.has(field) && root.get(field).isNull();
  }

  String string(String field, boolean required) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        errors.add(field + ": required");
      }
      return null;
    }
    if (!v.isTextual() || v.textValue().isBlank()) {
      errors.add(field + ": expected a non-empty string");
      return null;
    }
    return v.textValue();
  }

  Boolean bool(String field) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      errors.add(field + ": expected true or false");
      return null;
    }
    return v.booleanValue();
  }

  Long number(String field) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.canConvertToLong() || !v.isIntegralNumber()) {
      errors.add(field + ": expected a whole number");
      return null;
    }
    return v.longValue();
  }

  List<String> strings(String field, boolean required) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        errors.add(field + ": required");
      }
      return null;
    }
    if (!v.isArray()) {
      errors.add(field + ": expected a list");
      return null;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isTextual()) {
        errors.add(field + "[" + i + "]: expected a string");
        return null;
      }
      out.add(v.get(i).textValue());
    }
    return out;
  }

  Set<Operation> operations(String field, boolean required) {
    List<String> names = strings(field, required);
    if (names == null) {
      return null;
    }
    if (names.isEmpty()) {
      errors.add(field + ": expected at least one of create, read, update, delete, execute");
      return null;
    }
    Set<Operation> out = EnumSet.noneOf(Operation.class);
    for (String name : names) {
      Operation op = Operation.fromWireName(name);
      if (op == null) {
        errors.add(field + ": '" + name + "' is not one of create, read, update, delete, execute");
        return null;
      }
      out.add(op);
    }
    return out;
  }

  Set<String> participantIds(String field, boolean required) {
    List<String> ids = strings(field, required);
    if (ids == null) {
      return null;
    }
    if (ids.isEmpty()) {
      errors.add(field + ": expected at least one participant ID");
      return null;
    }
    for (String id : ids) {
      if (!Participant.isValidId(id)) {
        errors.add(field + ": '" + id + "' is not 1-10 of [A-Z0-9]");
        return null;
      }
    }
    return new LinkedHashSet<>(ids);
  }

  Set<Role> roles(String field) {
    List<String> names = strings(field, false);
    if (names == null) {
      return null;
    }
    Set<Role> out = EnumSet.noneOf(Role.class);
    for (String name : names) {
      Role role = Role.fromWireName(name);
      if (role == null) {
        errors.add(field + ": '" + name + "' is not operator-admin or participant-admin");
        return null;
      }
      out.add(role);
    }
    return out;
  }

  JsonNode root() {
    return root;
  }

  JsonNode node(String field) {
    return root.get(field);
  }

  void error(String message) {
    errors.add(message);
  }

  /** Throws the 400 problem if any field was wrong. */
  void check() {
    if (!errors.isEmpty()) {
      throw AdminProblem.badRequest(errors);
    }
  }
}
