#include "pmxsnap/host/names.hpp"

#include "pmxsnap/host/interfaces.hpp"
#include "pmxsnap/util/bounded_call.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace pmxsnap::host {
namespace {

bool same_name(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

std::vector<std::string> getaddrinfo_addresses(const std::string& name) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* list = nullptr;
    std::vector<std::string> result;
    if (::getaddrinfo(name.c_str(), nullptr, &hints, &list) != 0)
        return result;
    char buffer[NI_MAXHOST];
    for (auto* it = list; it; it = it->ai_next)
        if (::getnameinfo(it->ai_addr, it->ai_addrlen, buffer, sizeof buffer, nullptr, 0,
                          NI_NUMERICHOST) == 0) {
            std::string address = buffer;
            if (std::find(result.begin(), result.end(), address) == result.end())
                result.push_back(address);
        }
    ::freeaddrinfo(list);
    return result;
}

} // namespace

std::vector<std::string> hosts_file_addresses(std::string_view hosts_text, std::string_view name) {
    std::vector<std::string> result;
    std::istringstream lines{std::string(hosts_text)};
    std::string line;
    while (std::getline(lines, line)) {
        line = line.substr(0, line.find('#'));
        std::istringstream fields(line);
        std::string address, alias;
        if (!(fields >> address))
            continue;
        auto canonical = canonical_address(address);
        if (!canonical)
            continue;
        while (fields >> alias)
            if (same_name(alias, name) &&
                std::find(result.begin(), result.end(), *canonical) == result.end())
                result.push_back(*canonical);
    }
    return result;
}

Resolution resolve_names(const std::vector<std::string>& names, std::chrono::milliseconds timeout) {
    auto answer = call_bounded(
        [&names] {
            nlohmann::json out = nlohmann::json::object();
            for (const auto& name : names)
                out[name] = getaddrinfo_addresses(name);
            return out.dump();
        },
        timeout);
    Resolution resolution;
    resolution.timed_out = answer.outcome == BoundedAnswer::Outcome::timed_out;
    auto json = nlohmann::json::parse(answer.text, nullptr, false);
    if (answer.outcome != BoundedAnswer::Outcome::answered || !json.is_object())
        return resolution;
    for (const auto& [name, list] : json.items())
        resolution.addresses[name] = list.get<std::vector<std::string>>();
    return resolution;
}

} // namespace pmxsnap::host
