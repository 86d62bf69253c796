#include "pmxsnap/host/interfaces.hpp"

#include "pmxsnap/util/file.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>

namespace pmxsnap::host {

std::optional<std::string> canonical_address(const std::string& text) {
    char buffer[INET6_ADDRSTRLEN];
    in_addr v4{};
    if (::inet_pton(AF_INET, text.c_str(), &v4) == 1)
        return std::string(::inet_ntop(AF_INET, &v4, buffer, sizeof buffer));
    in6_addr v6{};
    if (::inet_pton(AF_INET6, text.c_str(), &v6) == 1)
        return std::string(::inet_ntop(AF_INET6, &v6, buffer, sizeof buffer));
    return std::nullopt;
}

std::vector<InterfaceAddress> interface_addresses() {
    std::vector<InterfaceAddress> result;
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0)
        return result;
    char buffer[INET6_ADDRSTRLEN];
    for (auto* it = list; it; it = it->ifa_next) {
        if (!it->ifa_addr)
            continue;
        const void* raw = nullptr;
        if (it->ifa_addr->sa_family == AF_INET)
            raw = &reinterpret_cast<const sockaddr_in*>(it->ifa_addr)->sin_addr;
        else if (it->ifa_addr->sa_family == AF_INET6)
            raw = &reinterpret_cast<const sockaddr_in6*>(it->ifa_addr)->sin6_addr;
        if (raw && ::inet_ntop(it->ifa_addr->sa_family, raw, buffer, sizeof buffer))
            result.push_back({it->ifa_name, buffer});
    }
    ::freeifaddrs(list);
    return result;
}

std::optional<unsigned> interface_mtu(const std::string& interface) {
    if (interface.empty() || interface.find('/') != std::string::npos)
        return std::nullopt;
    auto text = read_file_if_exists("/sys/class/net/" + interface + "/mtu", 64);
    if (!text)
        return std::nullopt;
    unsigned mtu = 0;
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), mtu);
    if (error != std::errc{} || mtu == 0)
        return std::nullopt;
    return mtu;
}

} // namespace pmxsnap::host
