package io.wgate.server.routeros;

import io.wgate.server.config.KeyMaterialSearch;
import io.wgate.server.config.WgKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The hand-written RouterOS exports under {@code src/test/resources/io/wgate/server/routeros/} and their keys (the
 * throwaway keys of the config package's example files; they protect nothing).
 */
public final class RouterOsTestFiles {

    public static final String MAIN_PRIVATE = "qGLNAoT7E+upkvmo6m4Pdrq+08nn4jYURUqhloIpRn8=";
    public static final String MAIN_PUBLIC = "mPNkZxWXxR4YXKOZSHCyth1UoM6GuDPzlHp46wybIQs=";
    public static final String SATELLITE_PRIVATE = "6IgjJOPzdjJXrYoTJbeShaxrn+WHeTzrcU0lpcvi0VM=";
    public static final String SATELLITE_PUBLIC = "kwVRya604rVcH3/vtvvZqwBQxzWec016ks1RxU7pKHs=";
    public static final String PRESHARED = "+U/QqhuQj/16WnCw5V24PfWgDXBXwdeHuTpdq8HOdHM=";
    public static final String OTHER_PUBLIC = "+0efv0wmevKqYw8nUX4/GNCW17xQP4BEvTKDb56NQjI=";

    private RouterOsTestFiles() {
    }

    /** A resource of this package as text. */
    public static String read(String name) {
        try (InputStream in = RouterOsTestFiles.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The secret keys of the test files. */
    public static KeyMaterialSearch secrets() {
        return new KeyMaterialSearch()
                .secret("main private key", WgKey.parseBase64(MAIN_PRIVATE).orElseThrow())
                .secret("satellite private key", WgKey.parseBase64(SATELLITE_PRIVATE).orElseThrow())
                .secret("preshared key", WgKey.parseBase64(PRESHARED).orElseThrow());
    }
}
