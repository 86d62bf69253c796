// The text framing minisign uses for keys and signatures: comment lines and
// base64 lines of fixed-size binary structures; and age's unpadded base64.
// Internal to lib/crypto.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap::crypto::detail {

std::string encode_base64(std::span<const std::uint8_t> bytes);

// Decodes exactly out.size() bytes; throws Error("<source>: <what>: ...") otherwise.
void decode_base64(std::string_view line, std::span<std::uint8_t> out, const std::string& source,
                   const char* what);

// Lines without their "\n" (and a trailing "\r"); at most max_lines.
std::vector<std::string_view> split_lines(std::string_view text, std::size_t max_lines);

bool is_single_line(std::string_view text);

// age's base64: standard alphabet, no padding. Decoding accepts only the
// canonical form (libsodium rejects padding and non-zero trailing bits), as
// the age spec requires; nullopt otherwise.
std::string encode_base64_unpadded(std::span<const std::uint8_t> bytes);
std::optional<std::vector<std::uint8_t>> decode_base64_unpadded(std::string_view text);

} // namespace pmxsnap::crypto::detail
