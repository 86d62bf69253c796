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

std::optional<bool> carrier_from_operstate(std::string_view operstate) {
    while (!operstate.empty() && (operstate.back() == '\n' || operstate.back() == ' '))
        operstate.remove_suffix(1);
    if (operstate == "down" || operstate == "lowerlayerdown" || operstate == "notpresent")
        return false;
    if (operstate == "up" || operstate == "unknown" || operstate == "dormant")
        return true;
    return std::nullopt;
}

namespace {

// A sysfs attribute that cannot be read (EINVAL while the link is down,
// the interface gone) tells nothing: the caller asks the next one.
std::optional<std::string> sysfs_text(const std::string& path) {
    try {
        return read_file_if_exists(path, 64);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

} // namespace

// carrier says it at once ("0"/"1"; unreadable while the interface is
// administratively down); operstate follows through the kernel's link
// watch, up to a second later.
std::optional<bool> interface_has_carrier(const std::string& interface) {
    if (interface.empty() || interface.find('/') != std::string::npos)
        return std::nullopt;
    auto directory = "/sys/class/net/" + interface;
    auto carrier = sysfs_text(directory + "/carrier");
    if (carrier && !carrier->empty() && (carrier->front() == '0' || carrier->front() == '1'))
        return carrier->front() == '1';
    auto text = sysfs_text(directory + "/operstate");
    return text ? carrier_from_operstate(*text) : std::nullopt;
}

} // namespace pmxsnap::host
