#include "pmxsnap/crypto/blake2b.hpp"

namespace pmxsnap::crypto {

Blake2b512::Blake2b512() {
    crypto_generichash_init(&state_, nullptr, 0, 64);
}

void Blake2b512::update(std::span<const std::uint8_t> bytes) {
    crypto_generichash_update(&state_, bytes.data(), bytes.size());
}

void Blake2b512::update(std::string_view bytes) {
    crypto_generichash_update(&state_, reinterpret_cast<const unsigned char*>(bytes.data()),
                              bytes.size());
}

std::array<std::uint8_t, 64> Blake2b512::finish() {
    std::array<std::uint8_t, 64> digest{};
    crypto_generichash_final(&state_, digest.data(), digest.size());
    return digest;
}

} // namespace pmxsnap::crypto
