package io.wgate.crypto;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Bindings to the few OpenSSL 3 libcrypto functions the AEAD needs, through the FFM API
 * (java-stack.md §3.5). Loaded once; {@link #LOAD_FAILURE} says why when it could not be.
 *
 * <p>Per-packet functions are bound with {@code Linker.Option.critical(true)}: no thread-state
 * transition, and heap segments may be passed directly. Their C signatures (OpenSSL 3.0 {@code evp.h}):
 * <pre>
 * int EVP_CipherInit_ex(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *type, ENGINE *impl,
 *                       const unsigned char *key, const unsigned char *iv, int enc);
 * int EVP_CipherUpdate(EVP_CIPHER_CTX *ctx, unsigned char *out, int *outl, const unsigned char *in, int inl);
 * int EVP_CipherFinal_ex(EVP_CIPHER_CTX *ctx, unsigned char *outm, int *outl);
 * int EVP_CIPHER_CTX_ctrl(EVP_CIPHER_CTX *ctx, int type, int arg, void *ptr);
 * </pre>
 *
 * <p>{@link #EVP_CIPHER_UPDATE_AT} and {@link #EVP_CIPHER_CTX_CTRL_AT} bind the same two functions with the data and
 * tag pointers as 64-bit integers: a direct buffer's address then goes to OpenSSL without a {@code MemorySegment}
 * made for it on every packet (which escape analysis removes only when it inlines the whole call, so some runs
 * allocated 80 bytes per packet). On 64-bit Linux (System V x86-64, AArch64) a pointer argument and a 64-bit integer
 * argument travel in the same register; on a JVM with narrower addresses {@link #bind} refuses to bind, and the JDK
 * cipher is used instead.
 *
 * <p>Binding native code uses restricted FFM methods; the application enables them with
 * {@code --enable-native-access=ALL-UNNAMED} (or the {@code Enable-Native-Access} manifest entry).
 */
@SuppressWarnings("restricted")
final class LibCrypto {
    /** System property naming another libcrypto to bind (a file path or soname), e.g. for a FIPS build. */
    static final String LIBRARY_PROPERTY = "wgate.crypto.libcrypto";
    /** The shared object we bind to: Debian/Ubuntu {@code libssl3}'s soname unless overridden. */
    static final String LIBRARY = System.getProperty(LIBRARY_PROPERTY, "libcrypto.so.3");

    /** {@code EVP_CTRL_AEAD_GET_TAG} from OpenSSL {@code evp.h}. */
    static final int EVP_CTRL_AEAD_GET_TAG = 0x10;
    /** {@code EVP_CTRL_AEAD_SET_TAG} from OpenSSL {@code evp.h}. */
    static final int EVP_CTRL_AEAD_SET_TAG = 0x11;
    /** {@code OPENSSL_VERSION} selector for {@code OpenSSL_version}, from {@code crypto.h}. */
    static final int OPENSSL_VERSION = 0;

    /** Null when loaded; otherwise why libcrypto could not be bound. */
    static final String LOAD_FAILURE;
    /** {@code OpenSSL_version(OPENSSL_VERSION)}, e.g. "OpenSSL 3.0.19 27 Jan 2026"; null when not loaded. */
    static final String VERSION;

    static final MethodHandle EVP_CHACHA20_POLY1305;
    static final MethodHandle EVP_CIPHER_CTX_NEW;
    static final MethodHandle EVP_CIPHER_CTX_FREE;
    static final MethodHandle EVP_CIPHER_INIT_EX;
    static final MethodHandle EVP_CIPHER_UPDATE;
    static final MethodHandle EVP_CIPHER_FINAL_EX;
    static final MethodHandle EVP_CIPHER_CTX_CTRL;
    /** {@code EVP_CipherUpdate} with {@code out} and {@code in} as addresses ({@code long}). */
    static final MethodHandle EVP_CIPHER_UPDATE_AT;
    /** {@code EVP_CIPHER_CTX_ctrl} with {@code ptr} as an address ({@code long}). */
    static final MethodHandle EVP_CIPHER_CTX_CTRL_AT;
    static final MethodHandle ERR_GET_ERROR;
    static final MethodHandle ERR_ERROR_STRING_N;
    static final MethodHandle ERR_CLEAR_ERROR;

    static {
        Bindings b = null;
        String failure = null;
        String version = null;
        try {
            b = bind(LIBRARY);
            version = b.version();
        } catch (LinkFailure e) {
            failure = e.getMessage();
        } catch (RuntimeException e) {
            failure = "cannot bind " + LIBRARY + ": " + e;
            b = null;
        }
        LOAD_FAILURE = failure;
        VERSION = version;
        EVP_CHACHA20_POLY1305 = b == null ? null : b.chacha20Poly1305();
        EVP_CIPHER_CTX_NEW = b == null ? null : b.ctxNew();
        EVP_CIPHER_CTX_FREE = b == null ? null : b.ctxFree();
        EVP_CIPHER_INIT_EX = b == null ? null : b.cipherInit();
        EVP_CIPHER_UPDATE = b == null ? null : b.cipherUpdate();
        EVP_CIPHER_FINAL_EX = b == null ? null : b.cipherFinal();
        EVP_CIPHER_CTX_CTRL = b == null ? null : b.ctxCtrl();
        EVP_CIPHER_UPDATE_AT = b == null ? null : b.cipherUpdateAt();
        EVP_CIPHER_CTX_CTRL_AT = b == null ? null : b.ctxCtrlAt();
        ERR_GET_ERROR = b == null ? null : b.errGetError();
        ERR_ERROR_STRING_N = b == null ? null : b.errErrorStringN();
        ERR_CLEAR_ERROR = b == null ? null : b.errClearError();
    }

    private LibCrypto() {
    }

    /** Why binding failed: library missing, symbol missing, or native access refused. */
    static final class LinkFailure extends Exception {
        private static final long serialVersionUID = 1L;

        LinkFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The bound method handles of one library. */
    record Bindings(MethodHandle openSslVersion, MethodHandle chacha20Poly1305, MethodHandle ctxNew,
                    MethodHandle ctxFree, MethodHandle cipherInit, MethodHandle cipherUpdate,
                    MethodHandle cipherFinal, MethodHandle ctxCtrl, MethodHandle cipherUpdateAt,
                    MethodHandle ctxCtrlAt, MethodHandle errGetError, MethodHandle errErrorStringN,
                    MethodHandle errClearError) {

        /** Calls {@code OpenSSL_version(OPENSSL_VERSION)}. */
        String version() throws LinkFailure {
            try {
                MemorySegment s = (MemorySegment) openSslVersion.invokeExact(OPENSSL_VERSION);
                if (s.equals(MemorySegment.NULL)) {
                    throw new LinkFailure("OpenSSL_version returned NULL", null);
                }
                return s.reinterpret(256).getString(0);
            } catch (LinkFailure e) {
                throw e;
            } catch (Throwable t) {
                throw new LinkFailure("OpenSSL_version failed: " + t, t);
            }
        }
    }

    /**
     * Looks up {@code libraryName} and binds every function we use.
     *
     * @throws LinkFailure naming the library or the missing symbol
     */
    static Bindings bind(String libraryName) throws LinkFailure {
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(libraryName, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new LinkFailure("cannot load " + libraryName + " (is libssl3 installed?): " + e.getMessage(), e);
        } catch (IllegalCallerException e) {
            throw new LinkFailure("native access to " + libraryName
                    + " is not enabled (run with --enable-native-access=ALL-UNNAMED): " + e.getMessage(), e);
        }
        if (ADDRESS.byteSize() != Long.BYTES) { // the *_AT bindings pass pointers as 64-bit integers
            throw new LinkFailure("OpenSSL is bound on 64-bit JVMs only (addresses here are " + ADDRESS.byteSize()
                    + " bytes)", null);
        }
        Linker.Option critical = Linker.Option.critical(true);
        return new Bindings(
                handle(lookup, libraryName, "OpenSSL_version", FunctionDescriptor.of(ADDRESS, JAVA_INT)),
                handle(lookup, libraryName, "EVP_chacha20_poly1305", FunctionDescriptor.of(ADDRESS)),
                handle(lookup, libraryName, "EVP_CIPHER_CTX_new", FunctionDescriptor.of(ADDRESS)),
                handle(lookup, libraryName, "EVP_CIPHER_CTX_free", FunctionDescriptor.ofVoid(ADDRESS)),
                handle(lookup, libraryName, "EVP_CipherInit_ex",
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT), critical),
                handle(lookup, libraryName, "EVP_CipherUpdate",
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT), critical),
                handle(lookup, libraryName, "EVP_CipherFinal_ex",
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), critical),
                handle(lookup, libraryName, "EVP_CIPHER_CTX_ctrl",
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), critical),
                handle(lookup, libraryName, "EVP_CipherUpdate",
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT), critical),
                handle(lookup, libraryName, "EVP_CIPHER_CTX_ctrl",
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_LONG), critical),
                handle(lookup, libraryName, "ERR_get_error", FunctionDescriptor.of(JAVA_LONG)),
                handle(lookup, libraryName, "ERR_error_string_n",
                        FunctionDescriptor.ofVoid(JAVA_LONG, ADDRESS, JAVA_LONG)),
                handle(lookup, libraryName, "ERR_clear_error", FunctionDescriptor.ofVoid(), critical));
    }

    private static MethodHandle handle(SymbolLookup lookup, String libraryName, String symbol,
                                       FunctionDescriptor descriptor, Linker.Option... options)
            throws LinkFailure {
        MemorySegment address = lookup.find(symbol).orElse(null);
        if (address == null) {
            throw new LinkFailure("symbol " + symbol + " not found in " + libraryName, null);
        }
        try {
            return Linker.nativeLinker().downcallHandle(address, descriptor, options);
        } catch (IllegalCallerException e) {
            throw new LinkFailure("native access is not enabled (run with --enable-native-access=ALL-UNNAMED): "
                    + e.getMessage(), e);
        }
    }

    /**
     * Drains this thread's OpenSSL error queue into one line (empty when there was nothing queued).
     * Only for failure paths: it allocates.
     */
    static String drainErrors() {
        StringBuilder sb = new StringBuilder();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocate(256);
            for (int i = 0; i < 16; i++) {
                long code = (long) ERR_GET_ERROR.invokeExact();
                if (code == 0) {
                    break;
                }
                ERR_ERROR_STRING_N.invokeExact(code, text, text.byteSize());
                sb.append(sb.isEmpty() ? "" : "; ").append(text.getString(0));
            }
            ERR_CLEAR_ERROR.invokeExact();
        } catch (Throwable t) {
            sb.append(sb.isEmpty() ? "" : "; ").append("(could not read the OpenSSL error queue: ").append(t).append(')');
        }
        return sb.toString();
    }
}
