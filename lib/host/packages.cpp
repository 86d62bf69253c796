#include "pmxsnap/host/packages.hpp"

#include <fstream>

namespace pmxsnap::host {
namespace {

std::string_view field_value(std::string_view line, std::string_view field) {
    if (!line.starts_with(field) || line.size() <= field.size() || line[field.size()] != ':')
        return {};
    auto value = line.substr(field.size() + 1);
    while (!value.empty() && value.front() == ' ')
        value.remove_prefix(1);
    return value;
}

std::string unquoted(std::string_view value) {
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front())
        value = value.substr(1, value.size() - 2);
    return std::string(value);
}

} // namespace

// dpkg's status file is a series of stanzas; it can be several MB on a node,
// so it is read a line at a time.
std::optional<std::string> installed_package_version(const Host& host, std::string_view package) {
    std::ifstream in(host.resolve("/var/lib/dpkg/status"));
    std::string line, name, status, version;
    auto finished = [&]() { return name == package && status.ends_with(" installed"); };
    while (std::getline(in, line)) {
        if (line.empty()) {
            if (finished())
                return version;
            name.clear(), status.clear(), version.clear();
        } else if (auto named = field_value(line, "Package"); !named.empty()) {
            name = named;
        } else if (auto state = field_value(line, "Status"); !state.empty()) {
            status = state;
        } else if (auto release = field_value(line, "Version"); !release.empty()) {
            version = release;
        }
    }
    if (finished())
        return version;
    return std::nullopt;
}

std::optional<std::string> debian_release(const Host& host) {
    auto text = host.read_text_if_exists("/etc/os-release");
    if (!text)
        return std::nullopt;
    std::string id, version;
    std::size_t start = 0;
    while (start < text->size()) {
        auto end = text->find('\n', start);
        std::string_view line(text->data() + start,
                              (end == std::string::npos ? text->size() : end) - start);
        if (line.starts_with("ID="))
            id = unquoted(line.substr(3));
        else if (line.starts_with("VERSION_ID="))
            version = unquoted(line.substr(11));
        start = end == std::string::npos ? text->size() : end + 1;
    }
    if (id != "debian" || version.empty())
        return std::nullopt;
    return version;
}

} // namespace pmxsnap::host
