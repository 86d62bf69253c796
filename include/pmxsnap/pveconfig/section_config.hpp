// PVE's configuration files as sections of keyed entries, so a change reads
// "storage 'backup': removed" or "[snap1] memory: 2048 → 4096" instead of
// line noise. One tolerant parser covers the shapes /etc/pve uses:
//   storage.cfg, domains.cfg, sdn/*.cfg, notifications.cfg, jobs.cfg:
//       "type: id" then indented "key value" lines (PVE::SectionConfig)
//   qemu-server/*.conf, lxc/*.conf: "key: value", then "[snapshot]" sections
//   firewall/*.fw, host.fw: "[OPTIONS]", "[RULES]", "[IPSET name]" sections
//   user.cfg: "type:id:field:..." lines
//   datacenter.cfg: "key: value"
// It never fails: a line of no known shape is its own entry, keyed by its text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap::pveconfig {

struct Entry {
    std::string key;
    std::string value;
    int line = 0;
};

struct Section {
    std::string name; // "" for the entries before any section
    int line = 0;
    std::vector<Entry> entries; // keys unique within a section ("key #2" for repeats)
};

struct SectionConfig {
    std::vector<Section> sections;
    const Section* find(std::string_view name) const;
};

SectionConfig parse_section_config(std::string_view text);

// pve/ paths (relative to /etc/pve) whose content is section config.
bool is_section_config_path(std::string_view pve_path);

struct KeyChange {
    std::string section;
    std::string key; // empty: the whole section was added or removed
    std::optional<std::string> before, after;
};

// Sections and keys in order of the newer file, removals where they stood.
std::vector<KeyChange> compare_section_configs(const SectionConfig& before,
                                               const SectionConfig& after);

} // namespace pmxsnap::pveconfig
