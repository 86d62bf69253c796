#include "pmxsnap/host/neighbours.hpp"

#include "pmxsnap/util/file.hpp"

#include <sstream>

namespace pmxsnap::host {

std::map<std::string, bool> parse_proc_net_arp(std::string_view text) {
    std::map<std::string, bool> table;
    std::istringstream lines{std::string(text)};
    std::string line;
    std::getline(lines, line); // "IP address  HW type  Flags  HW address  Mask  Device"
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string address, type, flags;
        if (!(fields >> address >> type >> flags))
            continue;
        unsigned long value = std::strtoul(flags.c_str(), nullptr, 16);
        table[address] = table[address] || (value & 0x2) != 0; // ATF_COM
    }
    return table;
}

std::map<std::string, bool> arp_neighbours() {
    try {
        return parse_proc_net_arp(read_file_if_exists("/proc/net/arp", 4u << 20).value_or(""));
    } catch (const std::exception&) {
        return {};
    }
}

} // namespace pmxsnap::host
