#include "key_rules.hpp"

#include <cctype>
#include <charconv>
#include <limits>

namespace pmxsnap::corosync::detail {
namespace {

// Keys corosync stores as integers (coroparse.c main_config_parser_cb).
constexpr IntegerKey integer_keys[] = {
    {"totem.version", u32},
    {"totem.nodeid", u32},
    {"totem.threads", u32},
    {"totem.token", u32},
    {"totem.token_coefficient", u32},
    {"totem.token_retransmit", u32},
    {"totem.token_warning", u32},
    {"totem.hold", u32},
    {"totem.token_retransmits_before_loss_const", u32},
    {"totem.join", u32},
    {"totem.send_join", u32},
    {"totem.consensus", u32},
    {"totem.merge", u32},
    {"totem.downcheck", u32},
    {"totem.fail_recv_const", u32},
    {"totem.seqno_unchanged_const", u32},
    {"totem.heartbeat_failures_allowed", u32},
    {"totem.max_network_delay", u32},
    {"totem.window_size", u32},
    {"totem.max_messages", u32},
    {"totem.miss_count_const", u32},
    {"totem.knet_pmtud_interval", u32},
    {"totem.knet_mtu", u32},
    {"totem.knet_compression_threshold", u32},
    {"totem.netmtu", u32},
    {"totem.config_version", u64},
    {"totem.interface.linknumber", u8},
    {"totem.interface.ringnumber", u8},
    {"totem.interface.mcastport", u16},
    {"totem.interface.ttl", u8},
    {"totem.interface.knet_link_priority", u8},
    {"totem.interface.knet_ping_interval", u32},
    {"totem.interface.knet_ping_timeout", u32},
    {"totem.interface.knet_ping_precision", u32},
    {"totem.interface.knet_pong_count", u32},
    {"quorum.expected_votes", u32},
    {"quorum.votes", u32},
    {"quorum.last_man_standing_window", u32},
    {"quorum.leaving_timeout", u32},
    {"quorum.two_node", u8},
    {"quorum.allow_downscale", u8},
    {"quorum.wait_for_all", u8},
    {"quorum.auto_tie_breaker", u8},
    {"quorum.last_man_standing", u8},
    {"quorum.device.timeout", u32},
    {"quorum.device.sync_timeout", u32},
    {"quorum.device.votes", u32},
    {"quorum.device.master_wins", u8},
    {".nodeid", u32},
    {".quorum_votes", u32},
};

// Keys corosync checks against a fixed set while parsing (syntax-level
// errors, with a line number, unlike its later semantic checks).
const EnumeratedKey enumerated_keys[] = {
    {"totem.ip_version", {"ipv4", "ipv6", "ipv4-6", "ipv6-4"}, "Invalid ip_version type"},
    {"totem.crypto_cipher",
     {"none", "aes256", "aes192", "aes128"},
     "Invalid cipher type. Should be none, aes256, aes192 or aes128"},
    {"totem.crypto_hash",
     {"none", "md5", "sha1", "sha256", "sha384", "sha512"},
     "Invalid hash type. Should be none, md5, sha1, sha256, sha384 or sha512"},
    {"totem.crypto_model", {"nss", "openssl"}, "Invalid crypto model. Should be nss or openssl"},
    {"totem.knet_compression_model",
     {"zlib", "lz4", "lz4hc", "lzo2", "lzma", "bzip2", "zstd"},
     "Invalid compression model. Should be zlib, lz4, lz4hc, lzo2, lzma, bzip2 or zstd"},
};

} // namespace

const EnumeratedKey* enumerated_key(std::string_view path) {
    for (const auto& key : enumerated_keys)
        if (key.path == path)
            return &key;
    return nullptr;
}

bool is_icmap_name(std::string_view name) {
    if (name.size() < 3 || name.size() > 255)
        return false;
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-' &&
            c != '/' && c != ':')
            return false;
    return true;
}

std::optional<std::uint64_t> parse_unsigned(std::string_view text, std::uint64_t max) {
    if (!text.empty() && text.front() == '+')
        text.remove_prefix(1);
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > max)
        return std::nullopt;
    return value;
}

const IntegerKey* integer_key(std::string_view path) {
    for (const auto& key : integer_keys) {
        bool node_key = key.suffix.front() == '.';
        if (node_key ? path.starts_with("nodelist.node.") && path.ends_with(key.suffix)
                     : path == key.suffix)
            return &key;
    }
    return nullptr;
}

} // namespace pmxsnap::corosync::detail
