package dev.optbench.study;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The JSON text columns of the store: maps in sorted key order so equal maps store equal text. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value instanceof Map<?, ?> m ? new TreeMap<>(m) : value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Double> doubles(String json) {
        return read(json, new TypeReference<LinkedHashMap<String, Double>>() {});
    }

    static Map<String, String> strings(String json) {
        return read(json, new TypeReference<LinkedHashMap<String, String>>() {});
    }

    static List<String> list(String json) {
        return read(json, new TypeReference<List<String>>() {});
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt JSON in store: " + e.getOriginalMessage(), e);
        }
    }
}
