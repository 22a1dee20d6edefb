package io.idxauth.store;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;

/**
 * Reads the YAML files people write (provisioning, configuration) into a tree, strictly. Anchors
 * and aliases are refused: the tree reader would hand back an alias's name as if it were the value,
 * so {@code secret: *shared} would quietly become the secret "shared". Errors name the line and
 * column and never quote the file, which may hold secrets.
 */
public final class SafeYaml {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** A YAML file that cannot be read; the message is safe to show. */
  public static final class Invalid extends Exception {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  private SafeYaml() {}

  public static JsonNode read(byte[] yaml) throws Invalid {
    try (InputStreamReader reader =
        new InputStreamReader(new ByteArrayInputStream(yaml), StandardCharsets.UTF_8)) {
      for (Event event : new Yaml(new LoaderOptions()).parse(reader)) {
        boolean anchor = event instanceof NodeEvent node && node.getAnchor() != null;
        if (event instanceof AliasEvent || anchor) {
          throw new Invalid(
              "YAML anchors and aliases (&name, *name) are not accepted, at "
                  + where(event.getStartMark()));
        }
      }
    } catch (MarkedYAMLException e) {
      throw new Invalid(describe(e));
    } catch (RuntimeException | IOException e) {
      throw new Invalid("not valid YAML");
    }
    try {
      return YAML.readTree(yaml);
    } catch (JacksonException e) {
      JsonLocation at = e.getLocation();
      throw new Invalid(
          at == null
              ? "not valid YAML"
              : "not valid YAML at line " + at.getLineNr() + ", column " + at.getColumnNr());
    } catch (IOException e) {
      throw new Invalid("not valid YAML");
    }
  }

  private static String describe(MarkedYAMLException e) {
    String problem = e.getProblem() == null ? "" : ": " + e.getProblem();
    return e.getProblemMark() == null
        ? "not valid YAML" + problem
        : "not valid YAML at " + where(e.getProblemMark()) + problem;
  }

  private static String where(Mark mark) {
    return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
  }
}
