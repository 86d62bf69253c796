// Bech32 (BIP 173 checksum, no length limit) as age uses it for recipients
// ("age1...") and identities ("AGE-SECRET-KEY-1..."). Decoding returns
// nullopt for anything malformed: callers name the input in their message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap::crypto {

struct Bech32 {
    std::string hrp; // lower case
    std::vector<std::uint8_t> data;
};

// Lower-case encoding; age writes identities upper case (callers convert).
std::string encode_bech32(std::string_view hrp, const std::vector<std::uint8_t>& data);

// Accepts all-lower or all-upper input, never mixed case.
std::optional<Bech32> decode_bech32(std::string_view text);

} // namespace pmxsnap::crypto
