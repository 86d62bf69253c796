// minisign keys and signatures from untrusted files: each parser returns a
// value or throws pmxsnap::Error.
#include "pmxsnap/crypto/keys.hpp"
#include "pmxsnap/crypto/signature.hpp"
#include "pmxsnap/util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        (void)pmxsnap::crypto::parse_signature(text, "fuzz.minisig");
    } catch (const pmxsnap::ErrorBase&) {
    }
    try {
        (void)pmxsnap::crypto::parse_public_key(text, "fuzz.pub");
    } catch (const pmxsnap::ErrorBase&) {
    }
    try {
        (void)pmxsnap::crypto::parse_secret_key(text, "fuzz.key");
    } catch (const pmxsnap::ErrorBase&) {
    }
    return 0;
}
