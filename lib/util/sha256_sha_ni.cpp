// Hand-written on purpose: Debian 12's libsodium (1.0.18) computes SHA-256
// in portable C at about a fifth of what the SHA extensions do, and a
// snapshot hashes every byte of the db and of pve/ twice over (the db file
// and its rows); on the benchmark's 32-node cluster that was a fifth of all
// CPU time. No library on the project's dependency list has a SHA-NI path.
// Written from Intel's definitions of SHA256RNDS2/MSG1/MSG2 (SDM vol. 2)
// and FIPS 180-4; the unit test holds it to libsodium on every length up
// to several blocks and on random splits.
#include "sha256_sha_ni.hpp"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

namespace pmxsnap::detail {
namespace {

// FIPS 180-4 section 4.2.2.
alignas(16) constexpr std::uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr unsigned cpuid1_ecx_ssse3 = 1u << 9;
constexpr unsigned cpuid1_ecx_sse41 = 1u << 19;
constexpr unsigned cpuid7_ebx_sha = 1u << 29;

bool ask_cpu() {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return false;
    bool sse = (c & cpuid1_ecx_ssse3) && (c & cpuid1_ecx_sse41);
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return false;
    return sse && (b & cpuid7_ebx_sha);
}

#define PMXSNAP_SHA_NI __attribute__((target("sha,sse4.1,ssse3")))

// SHA256RNDS2 keeps the eight working variables as two registers, "ABEF"
// and "CDGH" (A in the top lane); the state array is a..h in order.
struct Lanes {
    __m128i abef;
    __m128i cdgh;
};

PMXSNAP_SHA_NI Lanes to_lanes(const std::uint32_t state[8]) {
    __m128i badc =
        _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(state)), 0xB1);
    __m128i hgfe =
        _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4)), 0x1B);
    return {_mm_alignr_epi8(badc, hgfe, 8), _mm_blend_epi16(hgfe, badc, 0xF0)};
}

PMXSNAP_SHA_NI void from_lanes(const Lanes& lanes, std::uint32_t state[8]) {
    __m128i abef = _mm_shuffle_epi32(lanes.abef, 0x1B);
    __m128i ghcd = _mm_shuffle_epi32(lanes.cdgh, 0xB1);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state), _mm_blend_epi16(abef, ghcd, 0xF0));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state + 4), _mm_alignr_epi8(ghcd, abef, 8));
}

// Four rounds: RNDS2 does two with the low two words of `wk` and returns
// the new ABEF; the old ABEF is then the new CDGH.
PMXSNAP_SHA_NI void four_rounds(Lanes& lanes, __m128i wk) {
    __m128i next = _mm_sha256rnds2_epu32(lanes.cdgh, lanes.abef, wk);
    lanes.cdgh = lanes.abef;
    lanes.abef = next;
    next = _mm_sha256rnds2_epu32(lanes.cdgh, lanes.abef, _mm_shuffle_epi32(wk, 0x0E));
    lanes.cdgh = lanes.abef;
    lanes.abef = next;
}

// W[t..t+3] from the sixteen words before them, held as four groups of
// four; `oldest` (W[t-16..t-13]) is replaced by the result.
PMXSNAP_SHA_NI void next_words(__m128i& oldest, __m128i third, __m128i second, __m128i last) {
    __m128i sum = _mm_sha256msg1_epu32(oldest, third);          // W[t-16] + s0(W[t-15])
    sum = _mm_add_epi32(sum, _mm_alignr_epi8(last, second, 4)); // + W[t-7]
    oldest = _mm_sha256msg2_epu32(sum, last);                   // + s1(W[t-2])
}

PMXSNAP_SHA_NI void one_block(Lanes& lanes, const std::uint8_t* block) {
    const __m128i big_endian_words = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i words[4];
    for (int i = 0; i < 4; ++i)
        words[i] = _mm_shuffle_epi8(
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * i)), big_endian_words);
    Lanes start = lanes;
#pragma GCC unroll 16
    for (int group = 0; group < 16; ++group) {
        if (group >= 4)
            next_words(words[group % 4], words[(group + 1) % 4], words[(group + 2) % 4],
                       words[(group + 3) % 4]);
        __m128i k = _mm_load_si128(reinterpret_cast<const __m128i*>(round_constants + 4 * group));
        four_rounds(lanes, _mm_add_epi32(words[group % 4], k));
    }
    lanes.abef = _mm_add_epi32(lanes.abef, start.abef);
    lanes.cdgh = _mm_add_epi32(lanes.cdgh, start.cdgh);
}

} // namespace

bool cpu_has_sha_ni() {
    static const bool has = ask_cpu();
    return has;
}

PMXSNAP_SHA_NI void sha256_blocks_sha_ni(std::uint32_t state[8], const std::uint8_t* data,
                                         std::size_t blocks) {
    Lanes lanes = to_lanes(state);
    for (; blocks > 0; --blocks, data += 64)
        one_block(lanes, data);
    from_lanes(lanes, state);
}

} // namespace pmxsnap::detail

#else

namespace pmxsnap::detail {

bool cpu_has_sha_ni() {
    return false;
}

void sha256_blocks_sha_ni(std::uint32_t*, const std::uint8_t*, std::size_t) {}

} // namespace pmxsnap::detail

#endif
