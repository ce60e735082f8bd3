package dev.optbench.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Files of optbench's jar that another program must read from disk (the torch engine's Python
 * package, the bundled data subset), unpacked once into a directory named by the sha256 of their
 * names and bytes: a jar with other contents unpacks beside it, never over it, and a directory
 * is complete or absent (written under a temporary name, then renamed). The cache is
 * {@code -Doptbench.cache}, else $XDG_CACHE_HOME/optbench, else ~/.cache/optbench.
 */
public final class ResourceCache {
    private ResourceCache() {}

    /** The cache's root directory. */
    public static Path root() {
        String own = System.getProperty("optbench.cache");
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("optbench");
    }

    /**
     * Unpacks {@code files} (relative path → bytes) into {@code root()/<label>-<sha256 prefix>} and
     * returns that directory; an existing one is reused as it is.
     */
    public static Path unpack(String label, Map<String, byte[]> files) {
        Map<String, byte[]> sorted = new TreeMap<>(files);
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        sorted.forEach((name, bytes) -> {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            all.writeBytes((n.length + ":" + bytes.length + ":").getBytes(StandardCharsets.UTF_8));
            all.writeBytes(n);
            all.writeBytes(bytes);
        });
        String hash = dev.optbench.Sha256.hex(all.toByteArray()).substring(0, 16);
        Path dir = root().resolve(label + "-" + hash);
        if (Files.isDirectory(dir)) {
            return dir;
        }
        try {
            Files.createDirectories(root());
            Path tmp = Files.createTempDirectory(root(), label + "-tmp");
            try {
                for (Map.Entry<String, byte[]> e : sorted.entrySet()) {
                    Path f = tmp.resolve(e.getKey()).normalize();
                    if (!f.startsWith(tmp)) {
                        throw new IllegalArgumentException("resource path leaves its directory: " + e.getKey());
                    }
                    Files.createDirectories(f.getParent());
                    Files.write(f, e.getValue());
                }
            } catch (IOException | RuntimeException e) {
                deleteTree(tmp); // nothing half-written stays in the cache
                throw e;
            }
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | java.nio.file.DirectoryNotEmptyException e) {
                deleteTree(tmp); // another process unpacked the same bytes first
            }
            if (!Files.isDirectory(dir)) {
                throw new IOException("could not create " + dir);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + label + " into " + root() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every resource under {@code prefix} (e.g. "optbench_torch/") of the jar or class directory
     * {@code anchor} was loaded from, by path relative to that root; compiled Python
     * ({@code __pycache__}, *.pyc) is left out.
     */
    public static Map<String, byte[]> list(Class<?> anchor, String prefix) {
        Map<String, byte[]> out = new TreeMap<>();
        try {
            Path source = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(source)) {
                Path dir = source.resolve(prefix);
                if (Files.isDirectory(dir)) {
                    try (Stream<Path> s = Files.walk(dir)) {
                        for (Path f : s.filter(Files::isRegularFile).sorted(Comparator.naturalOrder()).toList()) {
                            String rel = source.relativize(f).toString().replace('\\', '/');
                            if (kept(rel)) {
                                out.put(rel, Files.readAllBytes(f));
                            }
                        }
                    }
                }
                return out;
            }
            try (JarFile jar = new JarFile(source.toFile())) {
                for (Enumeration<JarEntry> en = jar.entries(); en.hasMoreElements(); ) {
                    JarEntry e = en.nextElement();
                    if (!e.isDirectory() && e.getName().startsWith(prefix) && kept(e.getName())) {
                        try (InputStream in = jar.getInputStream(e)) {
                            out.put(e.getName(), in.readAllBytes());
                        }
                    }
                }
            }
            return out;
        } catch (IOException | URISyntaxException | SecurityException e) {
            throw new IllegalStateException("cannot read optbench's own resources under " + prefix + ": " + e.getMessage(), e);
        }
    }

    private static boolean kept(String path) {
        return !path.contains("__pycache__/") && !path.endsWith(".pyc");
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** {@code names} read from the classpath under {@code base} (e.g. "/dev/optbench/data/x/"), by name. */
    public static Map<String, byte[]> read(String base, List<String> names) {
        Map<String, byte[]> out = new TreeMap<>();
        for (String name : names) {
            try (InputStream in = ResourceCache.class.getResourceAsStream(base + name)) {
                if (in == null) {
                    throw new IllegalStateException("missing " + base + name + " in optbench's jar");
                }
                out.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
