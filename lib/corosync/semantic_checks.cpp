#include "pmxsnap/corosync/semantic_checks.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <map>
#include <set>

namespace pmxsnap::corosync {
namespace {

class Checker {
  public:
    Checker(const Config& config, const Environment* environment)
        : config_(config)
        , environment_(environment) {}

    std::vector<Finding> run() {
        check_transport();
        check_totem_version();
        check_link_mode();
        check_logging_values();
        check_nodes();
        check_keyfile();
        check_identity();
        check_links_and_families();
        check_quorum();
        return std::move(findings_);
    }

  private:
    void error(const char* id, std::string message, int line = 0) {
        findings_.push_back({Severity::error, id, std::move(message), line});
    }
    void warning(const char* id, std::string message, int line = 0) {
        findings_.push_back({Severity::warning, id, std::move(message), line});
    }
    int line_of(std::string_view path) const {
        for (const auto& item : config_.items)
            if (item.path == path)
                return item.line;
        return 0;
    }

    bool knet() const { return config_.transport.empty() || config_.transport == "knet"; }

    // What totemconfig.c makes of secauth, crypto_cipher and crypto_hash:
    // secauth: on means aes256 + sha256, the explicit keys win over it.
    std::pair<std::string, std::string> crypto() const {
        bool secauth = config_.value("totem.secauth") == "on";
        return {config_.value("totem.crypto_cipher").value_or(secauth ? "aes256" : "none"),
                config_.value("totem.crypto_hash").value_or(secauth ? "sha256" : "none")};
    }

    void check_transport() {
        const auto& transport = config_.transport;
        if (!transport.empty() && transport != "knet" && transport != "udpu" &&
            transport != "udp") {
            error("transport", "Invalid transport type. Should be udpu, udp or knet",
                  line_of("totem.transport"));
            return;
        }
        auto [cipher, hash] = crypto();
        if (cipher != "none" && hash == "none")
            error("crypto", "crypto_cipher requires crypto_hash with value other than none");
        if (knet())
            return;
        std::set<int> links;
        for (const auto& node : config_.nodes)
            for (const auto& [ring, address] : node.ring_addresses)
                links.insert(ring);
        if (links.size() > 1)
            error("links-non-knet",
                  fmt::format("{} is too many configured interfaces for non-Knet transport.",
                              links.size()));
        if (cipher != "none" || hash != "none")
            error("crypto-non-knet",
                  "crypto_cipher & crypto_hash are only valid for the Knet transport.");
    }

    void check_totem_version() {
        if (config_.value("totem.version") != "2")
            error("totem-version", "This totem parser can only parse version 2 configurations.",
                  line_of("totem.version"));
    }

    void check_link_mode() {
        auto mode = config_.value("totem.link_mode");
        if (mode && knet() && *mode != "active" && *mode != "passive" && *mode != "rr")
            error("link-mode",
                  fmt::format("The Knet link mode \"{}\" specified is invalid.  It must be "
                              "active, passive or rr.",
                              *mode),
                  line_of("totem.link_mode"));
    }

    void check_logging_values() {
        static const std::map<std::string, std::set<std::string>> allowed = {
            {"logging.to_stderr", {"yes", "no", "on", "off"}},
            {"logging.to_logfile", {"yes", "no", "on", "off"}},
            {"logging.to_syslog", {"yes", "no", "on", "off"}},
            {"logging.debug", {"on", "off", "trace"}},
            {"logging.timestamp", {"on", "off", "hires"}},
        };
        for (const auto& item : config_.items) {
            auto it = allowed.find(item.path);
            if (it != allowed.end() && !it->second.contains(item.value))
                error("logging-value", fmt::format("unknown value for {}.", item.path.substr(8)),
                      item.line);
        }
    }

    static bool is_ip_literal(const std::string& text) {
        unsigned char buffer[16];
        return inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
               inet_pton(AF_INET6, text.c_str(), buffer) == 1;
    }

    bool address_usable(const std::string& address) const {
        if (is_ip_literal(address))
            return true;
        if (environment_ && environment_->resolvable_address)
            return environment_->resolvable_address(address);
        return !address.empty() &&
               address.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                         "0123456789.-") == std::string::npos;
    }

    static std::string ring0_of(const Node& node) {
        return node.ring_addresses.contains(0) ? node.ring_addresses.at(0) : "";
    }

    // A node without a nodeid: knet refuses it; udp and udpu derive one from
    // ring0_addr as an IPv4 address (totemconfig.c generate_nodeid), so an
    // IPv6 one is refused. nullopt when there is none or it cannot be known
    // here (a host name), after reporting a refusal.
    std::optional<std::uint32_t> generated_nodeid(const Node& node) {
        auto address = ring0_of(node);
        if (knet()) {
            error("node-without-nodeid",
                  fmt::format("Knet requires an explicit nodeid to be specified for address '{}'.",
                              address),
                  node.line);
            return std::nullopt;
        }
        in_addr ipv4{};
        if (inet_pton(AF_INET, address.c_str(), &ipv4) == 1) {
            std::uint32_t id = ntohl(ipv4.s_addr);
            if (config_.value("totem.clear_node_high_bit") == "yes")
                id &= 0x7FFFFFFFU;
            return id;
        }
        bool named = !is_ip_literal(address) && address_usable(address);
        if (!named)
            error("node-without-nodeid",
                  fmt::format("An IPV6 network requires that a node ID be specified for address "
                              "'{}'.",
                              address),
                  node.line);
        return std::nullopt;
    }

    static constexpr std::uint32_t knet_max_host = 65536;

    void check_nodes() {
        std::map<std::uint32_t, int> nodeids;
        bool any_address = false;
        for (const auto& node : config_.nodes) {
            if (node.ring_addresses.contains(0))
                any_address = true;
            else
                warning("node-without-ring0",
                        fmt::format("node {} has no ring0_addr: corosync ignores it",
                                    node.name.empty() ? "(unnamed)" : node.name),
                        node.line);
            for (const auto& [ring, address] : node.ring_addresses)
                if (!address_usable(address))
                    error("node-address",
                          fmt::format("failed to parse bindnet address '{}'", address), node.line);
            auto nodeid = node.nodeid ? node.nodeid : generated_nodeid(node);
            if (!nodeid)
                continue;
            if (knet() && *nodeid >= knet_max_host)
                error("nodeid-too-large",
                      fmt::format("Knet requires nodeid to be less than {} for address '{}'.",
                                  knet_max_host, ring0_of(node)),
                      node.line);
            if (!nodeids.emplace(*nodeid, node.line).second)
                error("duplicate-nodeid",
                      fmt::format("Nodeid {} appears twice in corosync.conf", *nodeid), node.line);
        }
        if (!any_address)
            error("no-interfaces", "No interfaces defined");
    }

    void check_keyfile() {
        if (!environment_ || !environment_->readable_file)
            return;
        auto keyfile = config_.value("totem.keyfile").value_or("/etc/corosync/authkey");
        auto [cipher, hash] = crypto();
        if ((cipher != "none" || hash != "none") && !environment_->readable_file(keyfile))
            error("keyfile", fmt::format("Could not open {}", keyfile), line_of("totem.keyfile"));
    }

    void check_identity() {
        if (config_.cluster_name.empty())
            warning("no-cluster-name", "totem.cluster_name is missing");
        if (!config_.config_version)
            warning("no-config-version",
                    "totem.config_version is missing: Proxmox cannot tell copies apart");
        std::set<std::string> names;
        for (const auto& node : config_.nodes) {
            if (node.name.empty())
                warning("node-without-name", "a node has no name", node.line);
            else if (!names.insert(node.name).second)
                warning("duplicate-name", fmt::format("node name {} appears twice", node.name),
                        node.line);
        }
    }

    void check_links_and_families() {
        std::set<std::size_t> link_counts;
        std::set<int> families;
        for (const auto& node : config_.nodes) {
            link_counts.insert(node.ring_addresses.size());
            for (const auto& [ring, address] : node.ring_addresses) {
                unsigned char buffer[16];
                if (inet_pton(AF_INET, address.c_str(), buffer) == 1)
                    families.insert(AF_INET);
                else if (inet_pton(AF_INET6, address.c_str(), buffer) == 1)
                    families.insert(AF_INET6);
            }
        }
        if (link_counts.size() > 1)
            warning("unequal-links", "nodes have different numbers of ringX_addr links");
        if (families.size() > 1)
            warning("mixed-families", "ring addresses mix IPv4 and IPv6");
    }

    void check_quorum() {
        if (config_.quorum.two_node && config_.nodes.size() > 2)
            warning("two-node-with-more-nodes",
                    fmt::format("quorum.two_node is set but the nodelist has {} nodes",
                                config_.nodes.size()),
                    line_of("quorum.two_node"));
    }

    const Config& config_;
    const Environment* environment_;
    std::vector<Finding> findings_;
};

} // namespace

std::vector<Finding> check_semantics(const Config& config, const Environment* environment) {
    return Checker(config, environment).run();
}

bool has_errors(const std::vector<Finding>& findings) {
    for (const auto& finding : findings)
        if (finding.severity == Severity::error)
            return true;
    return false;
}

} // namespace pmxsnap::corosync
