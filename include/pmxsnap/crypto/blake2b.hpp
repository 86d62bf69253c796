// Blake2b512: streaming BLAKE2b with a 64-byte digest (libsodium), the
// prehash minisign's "ED" signatures are made over.
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace pmxsnap::crypto {

class Blake2b512 {
  public:
    Blake2b512();
    void update(std::span<const std::uint8_t> bytes);
    void update(std::string_view bytes);
    std::array<std::uint8_t, 64> finish();

  private:
    crypto_generichash_state state_;
};

} // namespace pmxsnap::crypto
