package io.wgate.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * wgate's version: the Maven project version, put into {@code io/wgate/server/version.properties} by resource
 * filtering when the module is built (so it is right in the jar and in the test class path alike).
 */
public final class Version {

    private static final String VERSION = load();

    private Version() {
    }

    /** For example {@code 0.1.0} or {@code 0.1.0-SNAPSHOT}; {@code unknown} if the build left the file out. */
    public static String current() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "").strip();
            return version.isEmpty() || version.startsWith("${") ? "unknown" : version;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
