package io.wgate.server.config;

/** Keys of the site-to-site example files under {@code src/test/resources/io/wgate/server/config/}. */
final class TestKeys {
    static final String MAIN_PRIVATE = "qGLNAoT7E+upkvmo6m4Pdrq+08nn4jYURUqhloIpRn8=";
    static final String MAIN_PUBLIC = "mPNkZxWXxR4YXKOZSHCyth1UoM6GuDPzlHp46wybIQs=";
    static final String SATELLITE_PRIVATE = "6IgjJOPzdjJXrYoTJbeShaxrn+WHeTzrcU0lpcvi0VM=";
    static final String SATELLITE_PUBLIC = "kwVRya604rVcH3/vtvvZqwBQxzWec016ks1RxU7pKHs=";
    static final String PRESHARED = "+U/QqhuQj/16WnCw5V24PfWgDXBXwdeHuTpdq8HOdHM=";
    /** Public key of a third gateway. */
    static final String OTHER_PUBLIC = "+0efv0wmevKqYw8nUX4/GNCW17xQP4BEvTKDb56NQjI=";

    private TestKeys() {
    }

    /**
     * Replaces {@code @PRIV@}, {@code @OWNPUB@}, {@code @PUB@}, {@code @PUB2@}, {@code @PSK@}, and the secret keys
     * in other encodings: {@code @PRIVHEX@}, {@code @PSKHEX@} (lowercase hex), {@code @PRIVURL@} (URL-safe base64
     * without padding).
     */
    static String fill(String template) {
        WgKey main = WgKey.parseBase64(MAIN_PRIVATE).orElseThrow();
        WgKey psk = WgKey.parseBase64(PRESHARED).orElseThrow();
        return template.replace("@PRIVHEX@", main.toHex()).replace("@PSKHEX@", psk.toHex())
                .replace("@PRIVURL@", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(main.bytes()))
                .replace("@PRIV@", MAIN_PRIVATE).replace("@OWNPUB@", MAIN_PUBLIC)
                .replace("@PUB2@", OTHER_PUBLIC).replace("@PUB@", SATELLITE_PUBLIC).replace("@PSK@", PRESHARED);
    }

    /** A search for the secret keys of the example files ({@link #MAIN_PRIVATE}, {@link #PRESHARED}, ...). */
    static KeyMaterialSearch secrets() {
        return new KeyMaterialSearch()
                .secret("main private key", WgKey.parseBase64(MAIN_PRIVATE).orElseThrow())
                .secret("satellite private key", WgKey.parseBase64(SATELLITE_PRIVATE).orElseThrow())
                .secret("preshared key", WgKey.parseBase64(PRESHARED).orElseThrow());
    }
}
