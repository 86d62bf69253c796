#include "pmxsnap/crypto/age_keys.hpp"

#include "pmxsnap/crypto/bech32.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/file.hpp"
#include "pmxsnap/util/text.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>

namespace pmxsnap::crypto {
namespace {

constexpr std::string_view recipient_hrp = "age";
constexpr std::string_view identity_hrp = "age-secret-key-";
constexpr std::uint64_t max_key_file_bytes = 1 << 20;

template <typename Parse>
auto parse_lines(std::string_view text, const std::string& source, Parse parse) {
    std::vector<decltype(parse(text, source))> out;
    std::size_t line_number = 0;
    while (!text.empty()) {
        auto end = text.find('\n');
        auto line = trim_blanks(text.substr(0, end));
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        ++line_number;
        if (line.empty() || line.front() == '#')
            continue;
        out.push_back(parse(line, fmt::format("{}:{}", source, line_number)));
    }
    if (out.empty())
        fail("{}: no keys in the file", source);
    return out;
}

} // namespace

AgeRecipient AgeIdentity::recipient() const {
    AgeRecipient r;
    crypto_scalarmult_base(r.public_key.data(), secret_key.data());
    return r;
}

AgeRecipient parse_age_recipient(std::string_view text, const std::string& source) {
    auto decoded = decode_bech32(text);
    if (!decoded || decoded->hrp != recipient_hrp || decoded->data.size() != 32 ||
        text.starts_with("AGE"))
        fail("{}: not an age X25519 recipient (expected age1... as age-keygen prints it)", source);
    AgeRecipient r;
    std::copy(decoded->data.begin(), decoded->data.end(), r.public_key.begin());
    return r;
}

AgeIdentity parse_age_identity(std::string_view text, const std::string& source) {
    auto decoded = decode_bech32(text);
    // Deliberately not echoing the text: it is a secret.
    if (!decoded || decoded->hrp != identity_hrp || decoded->data.size() != 32 ||
        !text.starts_with("AGE-SECRET-KEY-1"))
        fail("{}: not an age X25519 identity (expected AGE-SECRET-KEY-1... as age-keygen writes "
             "it)",
             source);
    AgeIdentity identity;
    std::copy(decoded->data.begin(), decoded->data.end(), identity.secret_key.begin());
    sodium_memzero(decoded->data.data(), decoded->data.size());
    return identity;
}

std::string format_age_recipient(const AgeRecipient& recipient) {
    return encode_bech32(recipient_hrp, {recipient.public_key.begin(), recipient.public_key.end()});
}

std::string format_age_identity(const AgeIdentity& identity) {
    auto text =
        encode_bech32(identity_hrp, {identity.secret_key.begin(), identity.secret_key.end()});
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

AgeIdentity generate_age_identity() {
    AgeIdentity identity;
    randombytes_buf(identity.secret_key.data(), identity.secret_key.size());
    return identity;
}

std::vector<AgeRecipient> load_age_recipients(const std::filesystem::path& file) {
    return parse_lines(read_file(file, max_key_file_bytes), file.string(), parse_age_recipient);
}

std::vector<AgeIdentity> load_age_identities(const std::filesystem::path& file) {
    require_owner_only(file, "an age identity");
    auto text = read_file(file, max_key_file_bytes);
    auto identities = parse_lines(text, file.string(), parse_age_identity);
    sodium_memzero(text.data(), text.size());
    return identities;
}

} // namespace pmxsnap::crypto
