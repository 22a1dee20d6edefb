package io.idxauth.store;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Describes a YAML syntax error by where it is and what is wrong, never by quoting the text around
 * it: the file may hold secrets.
 */
public final class YamlErrors {

  private YamlErrors() {}

  public static String describe(JacksonException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
        Mark mark = yaml.getProblemMark();
        String problem = yaml.getProblem() == null ? "" : ": " + yaml.getProblem();
        return "not valid YAML at line "
            + (mark.getLine() + 1)
            + ", column "
            + (mark.getColumn() + 1)
            + problem;
      }
    }
    JsonLocation at = e.getLocation();
    return at == null
        ? "not valid YAML"
        : "not valid YAML at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }
}
