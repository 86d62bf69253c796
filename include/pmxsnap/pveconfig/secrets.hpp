// What pmxsnap never shows without --show-secrets: whole files that are
// secrets (pve/priv/**, private keys, corosync's authkey) and the values of
// keys that hold passwords, tokens or keys inside otherwise readable configs.
// Errs on the side of masking: a masked non-secret costs a --show-secrets, a
// shown secret cannot be taken back.
#pragma once

#include <string>
#include <string_view>

namespace pmxsnap::pveconfig {

// Archive member paths: "pve/priv/token.cfg", "host/etc/corosync/authkey".
bool is_secret_file(std::string_view member_path);

// "password", "sasl-password", "encryption-key", "key", "secret", "token",...
bool is_secret_key(std::string_view key);

inline constexpr const char* masked_value = "<secret masked>";

// The text with every secret key's value replaced by masked_value, line by
// line, so a diff of masked texts shows that a secret changed, never its value.
std::string mask_secret_values(std::string_view text);

} // namespace pmxsnap::pveconfig
