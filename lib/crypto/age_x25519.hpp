// The X25519 recipient stanza of age v1: wrapping the file key for a
// recipient, and finding the stanza an identity opens. Internal to lib/crypto.
#pragma once

#include "pmxsnap/crypto/age_header.hpp"
#include "pmxsnap/crypto/age_keys.hpp"

#include <array>

namespace pmxsnap::crypto {

using FileKey = std::array<std::uint8_t, 16>;

AgeStanza wrap_file_key(const FileKey& file_key, const AgeRecipient& recipient);

// Throws AgeMalformed for a malformed X25519 stanza, AgeNoIdentity when no
// identity opens any stanza (name: the file, for the message).
FileKey unwrap_file_key(const AgeHeader& header, const std::vector<AgeIdentity>& identities,
                        const std::string& name);

} // namespace pmxsnap::crypto
