package dev.optbench.study;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sha256 of a study's definition as stored (every column of its {@code studies} row but the
 * fingerprint itself, the external command and the engine included), recorded when the study is created. A
 * worker compares it with the row it reads and refuses a study whose definition changed since:
 * a built-in study rewritten into an external one, a swapped workload or space. It detects
 * changes, it does not prevent them: a writer who also recomputes the fingerprint is stopped by
 * the command allow-list ({@link CommandPolicy}), not by this.
 */
final class StudyFingerprint {
    private StudyFingerprint() {}

    /** The canonical form: a JSON array of the row's values in a fixed order, integers as numbers. */
    static String of(String name, String workload, String protocol, String optimizers, long trialsPerOptimizer, long seed,
            String sampler, String spaces, long createdMs, String external, long seeds, String fit) {
        return of(name, workload, protocol, optimizers, trialsPerOptimizer, seed, sampler, spaces, createdMs, external, seeds,
                fit, null);
    }

    /**
     * With the engine column: a DJL study's (engine null) fingerprint is the one stores made before
     * the column existed, so their recorded fingerprints still match.
     */
    static String of(String name, String workload, String protocol, String optimizers, long trialsPerOptimizer, long seed,
            String sampler, String spaces, long createdMs, String external, long seeds, String fit, String engine) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        a.add("optbench study v1").add(name).add(workload).add(protocol).add(optimizers).add(trialsPerOptimizer).add(seed)
                .add(sampler).add(spaces).add(createdMs).add(external).add(seeds).add(fit);
        if (engine != null) {
            a.add(engine);
        }
        return dev.optbench.Sha256.hex(a.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The fingerprint of the {@code studies} row {@code rs} is on, from its stored values. */
    static String of(ResultSet rs) throws SQLException {
        return of(rs.getString("name"), rs.getString("workload"), rs.getString("protocol"), rs.getString("optimizers"),
                rs.getLong("trials_per_optimizer"), rs.getLong("seed"), rs.getString("sampler"), rs.getString("spaces"),
                rs.getLong("created_ms"), rs.getString("external"), rs.getLong("seeds"), rs.getString("fit"),
                hasEngine(rs) ? rs.getString("engine") : null);
    }

    /** Whether the row has the engine column (migration 5): fingerprints are filled in at migration 4, before it. */
    private static boolean hasEngine(ResultSet rs) throws SQLException {
        java.sql.ResultSetMetaData md = rs.getMetaData();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            if ("engine".equalsIgnoreCase(md.getColumnName(i))) {
                return true;
            }
        }
        return false;
    }

    /** Schema upgrade: studies made before fingerprints get theirs from their rows as they are now. */
    static void fillMissing(Connection c) throws SQLException {
        Map<String, String> fingerprints = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM studies WHERE fingerprint IS NULL");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                fingerprints.put(rs.getString("name"), of(rs));
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE studies SET fingerprint = ? WHERE name = ?")) {
            for (Map.Entry<String, String> e : fingerprints.entrySet()) {
                ps.setString(1, e.getValue());
                ps.setString(2, e.getKey());
                ps.executeUpdate();
            }
        }
    }
}
