package io.idxauth.store;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactoryBuilder;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.ByteArrayInputStream;
import java.io.CharArrayReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;

/**
 * Reads the YAML files people write (provisioning, configuration), strictly. Anchors and aliases
 * are refused: the tree reader would hand back an alias's name as if it were the value, so {@code
 * secret: *shared} would quietly become the secret "shared". Errors name the line and column and
 * never quote the file, which may hold secrets.
 *
 * <p>A file is read in one pass, as a whole tree ({@link #read}) or value by value ({@link #open}),
 * so that a provisioning file of 100,000 accounts need not be held in memory as a tree. The check
 * for anchors and aliases runs on every event of that pass. The file's size is not limited here
 * (SnakeYAML's default limit is 3 MB): what a file holds is bounded by what its reader keeps.
 */
public final class SafeYaml {

  private static final ObjectMapper YAML = new ObjectMapper(new StrictFactory(factoryBuilder()));

  /** A YAML file that cannot be read; the message is safe to show. */
  public static final class Invalid extends Exception {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  private SafeYaml() {}

  /** The whole document as a tree: a missing node when it is empty. */
  public static JsonNode read(byte[] yaml) throws Invalid {
    try (Parser parser = open(new ByteArrayInputStream(yaml))) {
      if (parser.next() == null) {
        return MissingNode.getInstance();
      }
      JsonNode root = parser.tree();
      parser.skipRest();
      return root == null ? NullNode.getInstance() : root;
    }
  }

  /** A parser of one document, positioned before its first token. */
  public static Parser open(InputStream yaml) throws Invalid {
    try {
      return new Parser(YAML.createParser(yaml));
    } catch (IOException e) {
      throw invalid(e);
    }
  }

  /**
   * A YAML document read token by token (Jackson's streaming model), with the value under the
   * current token read as a tree on demand. Every failure is an {@link Invalid}.
   */
  public static final class Parser implements AutoCloseable {
    private final JsonParser parser;

    private Parser(JsonParser parser) {
      this.parser = parser;
    }

    /** The next token, or {@code null} at the end of the document. */
    public JsonToken next() throws Invalid {
      try {
        return parser.nextToken();
      } catch (IOException | RuntimeException e) {
        throw invalid(e);
      }
    }

    /** The current token. */
    public JsonToken current() {
      return parser.currentToken();
    }

    /** The name of the current field, at a {@link JsonToken#FIELD_NAME}. */
    public String fieldName() throws Invalid {
      try {
        return parser.currentName();
      } catch (IOException | RuntimeException e) {
        throw invalid(e);
      }
    }

    /** The value that starts at the current token, as a tree; the parser ends on its last token. */
    public JsonNode tree() throws Invalid {
      try {
        JsonNode node = YAML.readTree(parser);
        return node == null ? NullNode.getInstance() : node;
      } catch (IOException | RuntimeException e) {
        throw invalid(e);
      }
    }

    /** Skips the value that starts at the current token; the parser ends on its last token. */
    public void skipValue() throws Invalid {
      try {
        parser.skipChildren();
      } catch (IOException | RuntimeException e) {
        throw invalid(e);
      }
    }

    /**
     * Reads the rest of the file, so that a syntax error or an alias anywhere in it is reported.
     */
    public void skipRest() throws Invalid {
      while (next() != null) {
        // every event is checked as it is read
      }
    }

    @Override
    public void close() {
      try {
        parser.close();
      } catch (IOException e) {
        // nothing was written: nothing to lose
      }
    }
  }

  /** Jackson's defaults, but for the size limit. */
  private static YAMLFactoryBuilder factoryBuilder() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(Integer.MAX_VALUE);
    YAMLFactoryBuilder builder = YAMLFactory.builder().loaderOptions(options);
    // The builder starts with no parser feature on, not with the defaults new YAMLFactory() has
    // (such as reading `key:` with no value as null rather than as "").
    for (YAMLParser.Feature feature : YAMLParser.Feature.values()) {
      if (feature.enabledByDefault()) {
        builder.enable(feature);
      }
    }
    return builder;
  }

  private static Invalid invalid(Exception e) {
    if (e instanceof Refused refused) {
      return new Invalid(refused.getMessage());
    }
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof MarkedYAMLException marked) {
        return new Invalid(describe(marked));
      }
    }
    if (e instanceof JacksonException jackson && jackson.getLocation() != null) {
      JsonLocation at = jackson.getLocation();
      return new Invalid(
          "not valid YAML at line " + at.getLineNr() + ", column " + at.getColumnNr());
    }
    if (e instanceof IOException && !(e instanceof JacksonException)) {
      return new Invalid("cannot read: " + e.getMessage());
    }
    return new Invalid("not valid YAML");
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

  /** An anchor or an alias, met while parsing. */
  private static final class Refused extends IOException {
    Refused(String message) {
      super(message, null);
    }
  }

  /** Jackson's YAML factory, making {@link StrictParser}s. */
  private static final class StrictFactory extends YAMLFactory {
    StrictFactory(YAMLFactoryBuilder builder) {
      super(builder);
    }

    @Override
    protected YAMLParser _createParser(InputStream in, IOContext context) throws IOException {
      return _createParser(_createReader(in, null, context), context);
    }

    @Override
    protected YAMLParser _createParser(Reader reader, IOContext context) {
      return new StrictParser(
          context, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec, reader);
    }

    @Override
    protected YAMLParser _createParser(byte[] data, int offset, int len, IOContext context)
        throws IOException {
      return _createParser(new ByteArrayInputStream(data, offset, len), context);
    }

    @Override
    protected YAMLParser _createParser(
        char[] data, int offset, int len, IOContext context, boolean recyclable) {
      return _createParser(new CharArrayReader(data, offset, len), context);
    }
  }

  /** Jackson's YAML parser, refusing every SnakeYAML event that carries an anchor or an alias. */
  private static final class StrictParser extends YAMLParser {
    StrictParser(
        IOContext context,
        int parserFeatures,
        int yamlFeatures,
        LoaderOptions options,
        ObjectCodec codec,
        Reader reader) {
      super(context, parserFeatures, yamlFeatures, options, codec, reader);
    }

    @Override
    protected Event getEvent() throws IOException {
      Event event = super.getEvent();
      if (event instanceof AliasEvent
          || event instanceof NodeEvent node && node.getAnchor() != null) {
        throw new Refused(
            "YAML anchors and aliases (&name, *name) are not accepted, at "
                + where(event.getStartMark()));
      }
      return event;
    }
  }
}
