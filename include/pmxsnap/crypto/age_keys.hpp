// age v1 X25519 keys as text: recipients ("age1...") and identities
// ("AGE-SECRET-KEY-1..."), recipients files and identity files in the format
// `age -R` / `age -i` read (one per line, '#' comments, blank lines). Throws
// pmxsnap::Error naming the file or the value; never prints a secret.
#pragma once

#include "pmxsnap/crypto/hkdf.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap::crypto {

struct AgeRecipient {
    Key32 public_key{};
};

struct AgeIdentity {
    Key32 secret_key{};
    AgeRecipient recipient() const;
};

AgeRecipient parse_age_recipient(std::string_view text, const std::string& source);
AgeIdentity parse_age_identity(std::string_view text, const std::string& source);
std::string format_age_recipient(const AgeRecipient& recipient);
std::string format_age_identity(const AgeIdentity& identity);
AgeIdentity generate_age_identity();

std::vector<AgeRecipient> load_age_recipients(const std::filesystem::path& file);
// Refuses an identity file that group or others may read, as for signing keys.
std::vector<AgeIdentity> load_age_identities(const std::filesystem::path& file);

} // namespace pmxsnap::crypto
