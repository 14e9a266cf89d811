package io.wgate.server.uapi;

import io.wgate.server.config.KeyMaterialSearch;
import java.util.HexFormat;

/**
 * Key material for the UAPI fuzz targets' dictionaries: the throwaway keys of the example configs
 * ({@code src/test/resources/io/wgate/server/config/SOURCES.md}) in UAPI hex form. Random mutation would hardly
 * produce 64 valid hex digits after {@code public_key=}; with these tokens the fuzzer reaches peer sections.
 */
final class FuzzKeys {
    static final String OWN_PRIVATE = "a862cd0284fb13eba992f9a8ea6e0f76babed3c9e7e23614454aa1968229467f";
    static final String PEER_PUBLIC = "930551c9aeb4e2b55c1f7fefb6fbd9ab0050c7359e734d7a92cd51c54ee9287b";
    static final String OTHER_PUBLIC = "fb479fbf4c267af2aa630f27517e3f18d096d7bc503f8044bd32836f9e8d4232";
    static final String PRESHARED = "f94fd0aa1b908ffd7a5a70b0e55db83df5a00d7057c1d787b93a5dabc1ce7473";

    /** The secrets among them: no message may hold a piece of these. */
    static final KeyMaterialSearch SECRETS = new KeyMaterialSearch()
            .secret("own private key", HexFormat.of().parseHex(OWN_PRIVATE))
            .secret("preshared key", HexFormat.of().parseHex(PRESHARED));

    private FuzzKeys() {
    }
}
