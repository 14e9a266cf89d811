/*
 * The per-packet EVP call sequence of OpenSslChaCha20Poly1305.seal, in C, for comparison with the
 * FFM path in ChaCha20Poly1305Benchmark: re-initialise the context with key and nonce, encrypt the
 * payload in place, finish, read the 16-byte tag. One thread, one context, 1420-byte payload.
 *
 *   cc -O2 -o /tmp/evp-aead-sequence benchmarks/native/evp-aead-sequence.c -lcrypto
 *   /tmp/evp-aead-sequence [payload-bytes] [iterations]
 *
 * Needs libssl-dev for the headers. Not part of the build; see benchmarks/README.md.
 */
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    int length = argc > 1 ? atoi(argv[1]) : 1420;
    long iterations = argc > 2 ? atol(argv[2]) : 3000000;
    if (length <= 0 || length > 65535 || iterations <= 0) {
        fprintf(stderr, "usage: %s [payload-bytes 1..65535] [iterations]\n", argv[0]);
        return 2;
    }
    unsigned char key[32], nonce[12] = {0}, tag[16];
    unsigned char *buf = calloc(1, (size_t) length);
    for (int i = 0; i < 32; i++) {
        key[i] = (unsigned char) (i * 7 + 1);
    }
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (buf == NULL || ctx == NULL || EVP_CipherInit_ex(ctx, EVP_chacha20_poly1305(), NULL, NULL, NULL, 1) != 1) {
        fprintf(stderr, "cannot set up EVP_chacha20_poly1305\n");
        return 1;
    }
    int written;
    double start = seconds();
    for (long i = 0; i < iterations; i++) {
        uint64_t counter = (uint64_t) i; /* little-endian hosts only, as the benchmark machines are */
        memcpy(nonce + 4, &counter, sizeof counter);
        if (EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, 1) != 1
                || EVP_CipherUpdate(ctx, buf, &written, buf, length) != 1
                || EVP_CipherFinal_ex(ctx, tag, &written) != 1
                || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag) != 1) {
            fprintf(stderr, "EVP call failed at iteration %ld\n", i);
            return 1;
        }
    }
    double elapsed = seconds() - start;
    printf("%d-byte seal: %.0f ops/s, %.2f GB/s\n", length, (double) iterations / elapsed,
           (double) iterations * length / elapsed / 1e9);
    EVP_CIPHER_CTX_free(ctx);
    free(buf);
    return 0;
}
