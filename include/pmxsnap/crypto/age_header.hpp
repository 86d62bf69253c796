// The age v1 header (age-encryption.org/v1): the version line, recipient
// stanzas and the MAC line. Parsing is strict as the spec asks — canonical
// base64, full 64-column body lines, printable arguments — because the header
// of an archive is untrusted input. Malformed input throws AgeMalformed.
#pragma once

#include "pmxsnap/crypto/hkdf.hpp"
#include "pmxsnap/util/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap::crypto {

inline constexpr std::string_view age_version_line = "age-encryption.org/v1";

// The file itself is the finding (damaged, truncated, not age): callers that
// read archives report it as a rejected archive rather than an error of theirs.
class AgeMalformed : public Error {
  public:
    using Error::Error;
};

struct AgeStanza {
    std::vector<std::string> arguments; // [0] is the type, e.g. "X25519"
    std::vector<std::uint8_t> body;
};

struct AgeHeader {
    std::vector<AgeStanza> stanzas;
    Key32 mac{};
};

// Everything up to and including "---": what the header MAC covers.
std::string format_age_header_for_mac(const std::vector<AgeStanza>& stanzas);
// The full header, ending with "--- <mac>\n".
std::string format_age_header(const AgeHeader& header);

// Length of the header in bytes (through the MAC line's newline) when text
// holds all of it, nullopt when more bytes are needed. Throws AgeMalformed
// when what is there cannot start a header.
std::optional<std::size_t> age_header_length(std::string_view text);
// Parses exactly one header (as measured by age_header_length).
AgeHeader parse_age_header(std::string_view header_text);

} // namespace pmxsnap::crypto
