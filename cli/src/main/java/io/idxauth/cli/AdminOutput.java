package io.idxauth.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How {@code idx-auth admin} shows the API's answers: a table with one row per item, a single
 * object as {@code field: value} lines, or with {@code --json} the API's JSON unchanged
 * (pretty-printed).
 */
final class AdminOutput {

  /** A column of a table: its header and how a cell is taken from an item. */
  record Column(String header, Function<JsonNode, String> value) {

    /** The field {@code name} of the item, as {@link #cell} shows it. */
    static Column of(String header, String name) {
      return new Column(header, item -> cell(item.get(name)));
    }
  }

  private final PrintWriter out;
  private final PrintWriter err;
  private final ObjectMapper mapper;
  private final boolean json;

  AdminOutput(PrintWriter out, PrintWriter err, ObjectMapper mapper, boolean json) {
    this.out = out;
    this.err = err;
    this.mapper = mapper;
    this.json = json;
  }

  boolean json() {
    return json;
  }

  void line(String text) {
    out.println(text);
  }

  /** A remark for a person, on standard error so that it stays out of what scripts read. */
  void note(String text) {
    err.println(text);
  }

  /** A list answer ({@code {"items":[...]}}): a table, or the whole answer as JSON. */
  void list(JsonNode answer, List<Column> columns) {
    if (json) {
      printJson(answer);
    } else {
      table(answer.path("items"), columns);
    }
  }

  /** A single object: {@code field: value} lines, or JSON. */
  void object(JsonNode object) {
    if (json) {
      printJson(object);
    } else {
      fields(object);
    }
  }

  void printJson(JsonNode node) {
    try {
      out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One {@code field: value} line per field; a list of objects gets one indented line each. */
  void fields(JsonNode object) {
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      JsonNode value = field.getValue();
      if (value.isArray() && !value.isEmpty() && value.get(0).isObject()) {
        out.println(field.getKey() + ":");
        value.forEach(item -> out.println("  " + cell(item)));
      } else {
        out.println(field.getKey() + ": " + cell(value));
      }
    }
  }

  /** Aligned columns, two spaces apart, a header row first. */
  void table(JsonNode items, List<Column> columns) {
    List<String[]> rows = new ArrayList<>();
    rows.add(columns.stream().map(Column::header).toArray(String[]::new));
    for (JsonNode item : items) {
      rows.add(columns.stream().map(c -> c.value().apply(item)).toArray(String[]::new));
    }
    int[] widths = new int[columns.size()];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(i == 0 ? "" : "  ").append(row[i]);
        if (i < row.length - 1) {
          line.append(" ".repeat(widths[i] - row[i].length()));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }

  /**
   * A value in one cell: {@code -} for null or empty, lists joined by commas, an entitlement as
   * {@code ENTITY:P1,P2:OP1,OP2} (the syntax of {@code --entitlement}), other objects as compact
   * JSON.
   */
  static String cell(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "-";
    }
    if (value.isArray()) {
      if (value.isEmpty()) {
        return "-";
      }
      List<String> parts = new ArrayList<>();
      value.forEach(v -> parts.add(cell(v)));
      return String.join(value.get(0).isObject() ? " " : ",", parts);
    }
    if (value.isObject()) {
      if (value.size() == 3
          && value.has("entity")
          && value.has("participants")
          && value.has("operations")) {
        return value.path("entity").asText()
            + ":"
            + cell(value.get("participants"))
            + ":"
            + cell(value.get("operations"));
      }
      return value.toString();
    }
    return value.asText();
  }
}
