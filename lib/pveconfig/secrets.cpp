#include "pmxsnap/pveconfig/secrets.hpp"

#include <regex>

namespace pmxsnap::pveconfig {

bool is_secret_file(std::string_view path) {
    static const std::regex secret(
        R"(^pve/priv(/.*)?$|^pve/.*\.key$|^pve/.*\.pw$|)"
        R"(^host/etc/corosync/authkey$|^host/etc/ssh/ssh_host_[^/]*_key$)");
    return std::regex_match(std::string(path), secret);
}

bool is_secret_key(std::string_view key) {
    key = key.substr(0, key.find(' ')); // "password #2": a repeated key
    static const std::regex secret(
        R"((^|[-_.])(password|passwd|pass|secret|token|key|psk|community|credentials?|)"
        R"(private-key|auth-key|totp)([-_.]|$))",
        std::regex::icase);
    return std::regex_search(std::string(key), secret);
}

std::string mask_secret_values(std::string_view text) {
    // "key: value", "key = value", "\tkey value": what PVE, ceph and SDN files use.
    static const std::regex keyed(R"(^(\s*)([A-Za-z0-9_.-]+)(\s*[:=]\s*|\s+)(\S.*)$)");
    std::string out;
    while (!text.empty()) {
        auto end = text.find('\n');
        std::string line(text.substr(0, end));
        std::smatch m;
        // user.cfg's "token:user@realm!id:..." lines name a token, they hold no secret.
        if (std::regex_match(line, m, keyed) &&
            !(m[3].str() == ":" && m[4].str().find(':') != std::string::npos) &&
            is_secret_key(m[2].str()))
            line = m[1].str() + m[2].str() + m[3].str() + masked_value;
        out += line;
        if (end == std::string_view::npos)
            break;
        out += '\n';
        text.remove_prefix(end + 1);
    }
    return out;
}

} // namespace pmxsnap::pveconfig
