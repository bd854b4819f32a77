package dev.trellis.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.trellis.protocol.spec.CheckpointSettings;
import dev.trellis.protocol.spec.TaskSpec;
import dev.trellis.protocol.spec.WorkflowSettings;
import dev.trellis.protocol.spec.WorkflowSpec;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes wire records (Kafka messages as JSON) and workflow specs (JSON or YAML).
 * Unknown fields are rejected in specs, so a typo is an error rather than silently ignored, and
 * tolerated in messages, so a newer sender does not break an older reader.
 */
public final class WireCodec {

    private static final ObjectMapper MESSAGES = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final ObjectMapper SPEC_JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final ObjectMapper SPEC_YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /**
     * Specs as the scheduler stores them: without nulls, empty lists or empty maps, default
     * settings or false flags, all of which the spec records read back as the same defaults.
     * Written in full, a one-task workflow's spec was 700 bytes in Postgres, most of it nulls and
     * empty lists, and each workflow row is written twice (its end too rewrites the whole row). A
     * map's entries are all kept: a task argument may be null, empty or false.
     */
    private static final ObjectMapper STORED_SPEC = JsonMapper.builder()
            .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
            .withConfigOverride(List.class, list -> list.setInclude(JsonInclude.Value.construct(JsonInclude.Include.NON_EMPTY, null)))
            .withConfigOverride(Map.class, map -> map.setInclude(JsonInclude.Value.construct(JsonInclude.Include.NON_EMPTY, null)))
            .withConfigOverride(WorkflowSettings.class, settings -> settings.setIncludeAsProperty(leftOutWhen(DefaultSettings.class)))
            .withConfigOverride(CheckpointSettings.class, checkpoint -> checkpoint.setIncludeAsProperty(leftOutWhen(NoCheckpoint.class)))
            .withConfigOverride(Boolean.class, flag -> flag.setIncludeAsProperty(leftOutWhen(FalseFlag.class)))
            .build();

    /** One workflow of a batch, read from the array's parser: the array goes on after it. */
    private static final ObjectReader SPEC_ELEMENT = SPEC_JSON.readerFor(WorkflowSpec.class)
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final TypeReference<List<TaskSpec>> TASK_LIST = new TypeReference<>() { };
    private static final TypeReference<List<WorkflowSpec>> SPEC_LIST = new TypeReference<>() { };

    private WireCodec() {
    }

    public static byte[] write(Object message) {
        return MESSAGES.writeValueAsBytes(message);
    }

    public static String writeString(Object value) {
        return MESSAGES.writeValueAsString(value);
    }

    /**
     * A workflow spec, or a list of task specs, as stored for a restart to plan it again: compact
     * JSON that {@link #readSpec} and {@link #readTasks} read back as an equal spec.
     */
    public static String writeSpec(Object spec) {
        return STORED_SPEC.writeValueAsString(spec);
    }

    /** @throws UnreadableMessageException when the bytes are not a valid {@code type} */
    public static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return MESSAGES.readValue(bytes, type);
        } catch (JacksonException e) {
            throw new UnreadableMessageException("not a valid " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Reads JSON text stored by this codec (a database column, say). */
    public static <T> T readValue(String json, Class<T> type) {
        return MESSAGES.readValue(json, type);
    }

    public static <T> T readValue(String json, TypeReference<T> type) {
        return MESSAGES.readValue(json, type);
    }

    public static <T> T convert(Object value, Class<T> type) {
        return MESSAGES.convertValue(value, type);
    }

    /**
     * Parses a workflow spec; YAML when the text does not start with '{' (JSON is valid YAML, but
     * the JSON parser gives better error positions).
     *
     * @throws UnreadableMessageException with the parser's position when the text is malformed
     */
    public static WorkflowSpec readSpec(String text) {
        return readDocument(text, "{", SPEC_JSON.constructType(WorkflowSpec.class));
    }

    /** Parses a list of workflow documents (a JSON array or a YAML sequence), for a batch submission. */
    public static List<WorkflowSpec> readSpecs(String text) {
        return readDocument(text, "[", SPEC_JSON.constructType(SPEC_LIST));
    }

    /**
     * A submitted workflow and the JSON the scheduler stores for a restart to plan it again: the
     * submission's own text when it was JSON (it reads back as the same spec), else {@link #writeSpec}'s.
     */
    public record SubmittedSpec(WorkflowSpec spec, String storedJson) {

        /** A spec that came without a JSON text of its own. */
        public static SubmittedSpec of(WorkflowSpec spec) {
            return new SubmittedSpec(spec, writeSpec(spec));
        }
    }

    /** {@link #readSpec}, keeping a JSON document's own text to store. */
    public static SubmittedSpec readSubmittedSpec(String text) {
        WorkflowSpec spec = readSpec(text);
        return isJson(text, "{") ? new SubmittedSpec(spec, text.strip()) : SubmittedSpec.of(spec);
    }

    /**
     * {@link #readSpecs}, keeping each workflow's own text in a JSON array to store: writing a
     * parsed spec again cost the scheduler about as much as parsing it.
     */
    public static List<SubmittedSpec> readSubmittedSpecs(String text) {
        List<SubmittedSpec> elements = isJson(text, "[") ? jsonElements(text) : null;
        return elements != null ? elements : readSpecs(text).stream().map(SubmittedSpec::of).toList();
    }

    /**
     * Each workflow of a JSON array with its text, in one pass; null when the array is anything but
     * well-formed workflows, for {@link #readSpecs} to describe what is wrong as it always has.
     */
    private static List<SubmittedSpec> jsonElements(String text) {
        List<SubmittedSpec> elements = new ArrayList<>();
        try (JsonParser parser = SPEC_JSON.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                return null;
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
                long start = parser.currentTokenLocation().getCharOffset();
                WorkflowSpec spec = SPEC_ELEMENT.readValue(parser);
                long end = parser.currentLocation().getCharOffset();
                if (start < 0 || end <= start || end > text.length()) {
                    return null;
                }
                elements.add(new SubmittedSpec(spec, text.substring((int) start, (int) end)));
            }
            return token == JsonToken.END_ARRAY && parser.nextToken() == null ? elements : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    /** Parses a list of task specs (JSON or YAML) to add to an open workflow. */
    public static List<TaskSpec> readTasks(String text) {
        return readDocument(text, "[", SPEC_JSON.constructType(TASK_LIST));
    }

    /** JSON when the text starts with {@code jsonStart}, else YAML; a malformed one is described with its position. */
    private static <T> T readDocument(String text, String jsonStart, JavaType type) {
        ObjectMapper mapper = isJson(text, jsonStart) ? SPEC_JSON : SPEC_YAML;
        try {
            return mapper.readValue(text, type);
        } catch (JacksonException e) {
            throw new UnreadableMessageException(describe(e), e);
        }
    }

    /** Whether a spec document is JSON (it starts with {@code jsonStart}) rather than YAML. */
    private static boolean isJson(String text, String jsonStart) {
        return text.stripLeading().startsWith(jsonStart);
    }

    private static String describe(JacksonException e) {
        String path = e.getPath().isEmpty() ? "" : " at " + pathOf(e);
        var location = e.getLocation();
        String where = location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
        return e.getOriginalMessage() + path + where;
    }

    private static String pathOf(JacksonException e) {
        StringBuilder path = new StringBuilder("$");
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                path.append('.').append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** A property left out of stored specs when {@code filter} equals its value (Jackson's custom inclusion). */
    private static JsonInclude.Value leftOutWhen(Class<?> filter) {
        return JsonInclude.Value.construct(JsonInclude.Include.CUSTOM, null, filter, null);
    }

    /** A value that is left out of stored specs because the spec records read it back from its absence. */
    private abstract static class ReadBackWhenAbsent {
        private final Object value;

        ReadBackWhenAbsent(Object value) {
            this.value = value;
        }

        @Override
        public boolean equals(Object other) {
            return value.equals(other);
        }

        @Override
        public int hashCode() {
            return value.hashCode();
        }
    }

    private static final class DefaultSettings extends ReadBackWhenAbsent {
        DefaultSettings() {
            super(WorkflowSettings.DEFAULTS);
        }
    }

    private static final class NoCheckpoint extends ReadBackWhenAbsent {
        NoCheckpoint() {
            super(CheckpointSettings.NONE);
        }
    }

    /** Every flag of a spec ({@code cache}, {@code refresh}) reads back false when absent. */
    private static final class FalseFlag extends ReadBackWhenAbsent {
        FalseFlag() {
            super(Boolean.FALSE);
        }
    }
}
