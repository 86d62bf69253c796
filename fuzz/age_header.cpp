// The age layer of an encrypted archive, which pmxsnap reads from untrusted
// storage: the header parser must accept exactly its canonical form (what it
// accepts formats back to the same bytes), and decrypting any input with a
// real identity must end in plaintext or an error, never a crash. The
// identity comes from the file in $PMXSNAP_FUZZ_AGE_IDENTITY (fuzz/run makes
// it with age-keygen and encrypts the seed to it) so the fuzzer reaches the
// payload; without it a fresh identity still exercises the header.
#include "pmxsnap/crypto/age_keys.hpp"
#include "pmxsnap/crypto/age_stream.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace {

std::vector<pmxsnap::crypto::AgeIdentity> identities;

void check_header_round_trip(std::string_view text) {
    using namespace pmxsnap::crypto;
    try {
        auto length = age_header_length(text);
        if (!length)
            return;
        auto header = parse_age_header(text.substr(0, *length));
        if (format_age_header(header) != text.substr(0, *length))
            std::abort();
    } catch (const AgeMalformed&) {
    }
}

void decrypt_all(const std::uint8_t* data, std::size_t size) {
    std::size_t at = 0;
    try {
        pmxsnap::crypto::AgeDecryptor decryptor(
            [&](std::span<std::uint8_t> out) {
                auto take = std::min(out.size(), size - at);
                std::copy_n(data + at, take, out.begin());
                at += take;
                return take;
            },
            identities, "fuzz");
        std::vector<std::uint8_t> buffer(1 << 16);
        while (decryptor.read(buffer) != 0) {
        }
    } catch (const pmxsnap::ErrorBase&) {
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    if (sodium_init() < 0)
        std::abort();
    if (const char* file = std::getenv("PMXSNAP_FUZZ_AGE_IDENTITY"))
        identities = pmxsnap::crypto::load_age_identities(file);
    else
        identities = {pmxsnap::crypto::generate_age_identity()};
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    check_header_round_trip({reinterpret_cast<const char*>(data), size});
    decrypt_all(data, size);
    return 0;
}
